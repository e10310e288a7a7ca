// A validated app definition, as the CLI sends it in `apply`. Plain data: it is stored in the
// state file and compared field by field when a config is applied again.

export type StopSignal = 'SIGTERM' | 'SIGINT' | 'SIGQUIT' | 'SIGHUP' | 'SIGUSR1' | 'SIGUSR2' | 'SIGKILL';
export const STOP_SIGNALS: readonly StopSignal[] = [
  'SIGTERM',
  'SIGINT',
  'SIGQUIT',
  'SIGHUP',
  'SIGUSR1',
  'SIGUSR2',
  'SIGKILL',
];

/** What to execute: the program and its argv, already resolved from a script or command line. */
export interface RunSpec {
  /** Program to exec (absolute path, a bare name looked up on PATH, or `/bin/sh` for shell syntax). */
  file: string;
  /** Arguments after argv[0]. */
  args: string[];
  /** The script or command line as the user wrote it, for display. */
  display: string;
}

/** When and how fast to restart an instance that exits on its own. */
export interface RecoveryPolicy {
  /** `always`: any exit; `on-failure`: non-zero code or a signal; `never`. */
  autoRestart: 'always' | 'on-failure' | 'never';
  /** Restarts allowed within `restartWindowMs` before the instance is `errored` (crash-loop). */
  maxRestarts: number;
  /** The window in which `maxRestarts` counts. */
  restartWindowMs: number;
  /** A run shorter than this counts as a crash-loop run. */
  minUptimeMs: number;
  /** Delay before the first restart. */
  restartDelayMs: number;
  /** Exponential backoff for consecutive short runs: factor, capped at `backoffMaxMs` (0 disables). */
  backoffMaxMs: number;
  /** Exit codes that mean "done on purpose": never restarted. */
  stopExitCodes: number[];
  /** After a crash-loop, try again after this long with a fresh count (0: never). */
  retryAfterMs: number;
}

/** How to stop an instance gracefully. */
export interface StopPolicy {
  /** Sent to the process group first. */
  signal: StopSignal;
  /** Then wait this long before SIGKILL to every remaining process of the tree. */
  killTimeoutMs: number;
}

export interface LimitsSpec {
  /** Restart when the tree's resident memory exceeds this (bytes). */
  maxMemoryBytes?: number;
  /** Kernel-enforced memory ceiling of the instance's cgroup (bytes): past it, an OOM kill inside it. */
  hardMemoryBytes?: number;
  /** CPU time the instance may use, in cores (0.5: half of one core): the cgroup's CPU quota. */
  cpu?: number;
  /** Processes and threads the instance may have at once: the cgroup's pids limit. */
  maxProcs?: number;
  /** Alert when the instance's open file descriptors pass this. */
  maxFds?: number;
  /** A limit the host cannot enforce is applied as far as it can be and reported, not refused. */
  bestEffort?: boolean;
}

/** Resource limits set on the process itself (setrlimit), soft and hard alike. */
export interface RlimitsSpec {
  nofile?: number;
  nproc?: number;
  /** Core file size in bytes (0: no core files). */
  core?: number;
  /** Locked memory in bytes. */
  memlock?: number;
}

/** Who an app runs as, resolved when it is defined; only a daemon running as root may switch. */
export interface RunAsSpec {
  /** The user's name as written (or its number), for display. */
  user: string;
  uid: number;
  /** The group given, else the user's primary group. */
  gid: number;
  /** The user's home directory (HOME of a clean environment). */
  home: string;
}

/** What a health probe checks. */
export type ProbeCheck =
  | { type: 'http'; url: string }
  | { type: 'tcp'; host: string; port: number }
  | { type: 'exec'; command: string };

/** A health probe, with Kubernetes-style fields. */
export interface ProbeSpec {
  /** liveness: restart on failure; readiness: only sets the health shown; startup: gates the others. */
  kind: 'liveness' | 'readiness' | 'startup';
  check: ProbeCheck;
  intervalMs: number;
  timeoutMs: number;
  /** Consecutive failures before the instance is unhealthy. */
  failureThreshold: number;
  /** Consecutive successes before it is healthy again. */
  successThreshold: number;
  /** No verdict before the run is this old. */
  startPeriodMs: number;
}

/** Where and how an instance's output is written. */
export interface LogSpec {
  /** Absolute paths overriding `$PM_HOME/logs/<name>-<index>.<stream>.log`. */
  outFile?: string;
  errFile?: string;
  /** One file for all instances of the app. */
  merge: boolean;
  /** Prefix each line with an ISO-8601 time. */
  timestamps: boolean;
  format: 'text' | 'json';
  /** Rotate when a file grows past this. */
  maxSizeBytes: number;
  /** Rotated files kept. */
  maxFiles: number;
  /** gzip rotated files. */
  compress: boolean;
}

/** Where a queue probe reads the number of jobs waiting: a command's stdout, or a GET's body. */
export type QueueCheck = { type: 'exec'; command: string } | { type: 'http'; url: string };

/** The queue signal of a pool: the pool wants `ceil(queue / perInstance)` instances. */
export interface QueueSpec {
  /** Prints (or answers with) one number: the jobs waiting. */
  check: QueueCheck;
  /** Jobs one instance takes on. */
  perInstance: number;
  /** Time between two probes (one in flight at a time). */
  intervalMs: number;
  /** A slower probe fails; absent: min(intervalMs, 5 s). */
  timeoutMs?: number;
}

/** A pool: `minSize` instances run, and the daemon's autoscaler keeps the count within the bounds. */
export interface PoolSpec {
  minSize: number;
  maxSize: number;
  /** An instance idle this long may be removed (never below minSize). */
  idleTimeoutMs: number;
  /** Scale up when the average CPU of the pool is above this (percent of one core). */
  targetCpuPercent: number;
  /** Minimum time between two scaling decisions. */
  cooldownMs: number;
  /** Also scale on the length of a queue; absent: on CPU alone. */
  queue?: QueueSpec;
}

/** listen: entries of one app, at most: each is an open file descriptor in every instance. */
export const MAX_LISTEN = 64;

/** A port the daemon binds and listens on for the app (`listen:`), shared by its instances. */
export interface ListenAddress {
  /** null: every address (IPv4 and IPv6 where the host has it). */
  host: string | null;
  port: number;
}

/** What an app waits for of another before it starts (`depends_on:`). */
export const DEPENDENCY_CONDITIONS = ['started', 'healthy', 'completed', 'completed_successfully'] as const;
export type DependencyCondition = (typeof DEPENDENCY_CONDITIONS)[number];

export interface Dependency {
  /** The app depended on, defined in the same config. */
  app: string;
  /** started: each of its instances runs (or, a task, has completed); healthy: each is healthy;
   * completed: each ended (a task); completed_successfully: each exited 0. */
  condition: DependencyCondition;
  /** A crash restart of the dependency restarts this app too, once the condition holds again. */
  restart: boolean;
}

/** Where alert-worthy events of the app are sent, besides the event log. */
export interface AlertingSpec {
  /** POST the event as JSON. */
  webhook?: string;
  /** Run with the event in env vars and on stdin. */
  command?: string;
}

export interface MonitoringSpec {
  metricsCollection: boolean;
  /** null: alerts go to the event log only. */
  alerting: AlertingSpec | null;
}

export interface AppSpec {
  /** Unique app name: letters, digits, `_`, `-`, `.`. */
  name: string;
  run: RunSpec;
  /** Absolute working directory. */
  cwd: string;
  /** Environment the user gave (`--env`, config `env:`); shown, secrets masked, in `describe`. */
  env: Record<string, string>;
  /** The environment inherited from the CLI that defined the app (not the daemon's). */
  baseEnv: Record<string, string>;
  /** Number of instances to keep. */
  instances: number;
  stop: StopPolicy;
  recovery: RecoveryPolicy;
  limits: LimitsSpec;
  /** Health probes; empty: health stays `unknown`. */
  health: ProbeSpec[];
  logs: LogSpec;
  /** Autoscaling; absent: a fixed `instances` count. */
  pool?: PoolSpec;
  monitoring: MonitoringSpec;
  /** Where the definition came from: a config file path, or undefined for a command line. */
  source?: string;
  /** Run as another user and group; absent: the daemon's user. */
  runAs?: RunAsSpec;
  /** File mode creation mask of the app's processes (e.g. 0o027); absent: the daemon's. */
  umask?: number;
  rlimits?: RlimitsSpec;
  /** false: a clean environment (PATH, HOME, USER, LANG, the app's own env and pm's PM_*); absent: true. */
  envInherit?: boolean;
  /** Ports the daemon listens on for the app, handed to each instance as fds 3, 4, … (socket activation). */
  listen?: ListenAddress[];
  /** How long a replacement (`pm reload`) has to be ready; with no way to tell, being up this long is
   * ready. Absent: DEFAULT_LISTEN_TIMEOUT_MS. */
  listenTimeoutMs?: number;
  /** A replacement must say it is ready (a line on PM_READY_FD) within listenTimeoutMs. */
  waitReady?: boolean;
  /** `task`: runs to completion (exit 0 is `completed`, never restarted); absent: a service that keeps running. */
  type?: 'task';
  /** Started only once these hold; stopped before what they name. */
  dependsOn?: Dependency[];
  /** When the daemon runs it: a task (`cron`, a run still going is not started twice) or restarts a
   * service (`cron_restart`); 5 cron fields, or 6 with seconds. */
  schedule?: ScheduleSpec;
  /** Restart (a rolling reload with listen:) when a watched file changes. */
  watch?: WatchSpec;
  /** This env variable, a number, is its value plus the instance's index in each instance (PM2's increment_var). */
  incrementVar?: string;
}

/** Restart on file change (`watch:`). */
export interface WatchSpec {
  /** Paths or globs relative to cwd; empty: the whole cwd. */
  paths: string[];
  /** Globs not watched, beside node_modules and .git (and pm's own home). */
  ignore: string[];
  /** A restart waits until no change came for this long. */
  delayMs: number;
}

export interface ScheduleSpec {
  cron: string;
  /** `run`: start the task; `restart`: restart the service. */
  action: 'run' | 'restart';
  /** IANA time zone of the expression; absent: the daemon's. */
  timezone?: string;
}
