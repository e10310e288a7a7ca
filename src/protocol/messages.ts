// Every message between CLI and daemon. Both ends import these types, so a request and its reply
// cannot drift apart, and a request type without a daemon handler does not compile.
import type { AppSpec } from './app-spec.js';
import type { DaemonSettings, DaemonSettingsChange } from './daemon-settings.js';
import type { WireError } from './errors.js';
import type { PmEvent } from './events.js';
import type { LogLine, LogStream } from './log-line.js';
import type { MetricFamily, UsageStats, WatchEvent } from './monitoring.js';
import type { ProcessInfo, RestartRecord } from './process-info.js';
import type { Target } from './target.js';

/** `scale web 4` sets; `scale web +2` / `-1` adds. */
export type ScaleChange = { mode: 'set'; count: number } | { mode: 'add'; count: number };

/** New bounds of a pool (`pm scale web --min 2 --max 10`); an absent one stays as it is. */
export interface PoolBounds {
  minSize?: number;
  maxSize?: number;
}

/** What an apply did: the instances of the apps applied, and per app what happened and why. */
export interface ApplyReply {
  instances: ProcessInfo[];
  /** `web: restarted (env changed)`, `api: created`, `jobs: unchanged`, … in the order given. */
  changes: Array<{ app: string; outcome: string }>;
}

/** `pm reload`: how many instances are replaced at once. */
export interface ReloadRequest {
  parallel: number;
}

export type Request =
  /** First frame of every connection. */
  | { type: 'hello'; protocolVersion: number }
  /**
   * Create apps, or reconcile them with a new definition; `settings` changes the daemon-wide ones
   * (a config file's process_management.monitoring) before any app is touched.
   */
  /** `force`: replace apps defined elsewhere (the command line, another file) by these. */
  | {
      type: 'apply';
      apps: AppSpec[];
      settings?: DaemonSettingsChange;
      reload?: ReloadRequest;
      force?: boolean;
    }
  | { type: 'start'; target: Target }
  | { type: 'stop'; target: Target }
  | { type: 'restart'; target: Target }
  /** Replace each instance by a fresh run, ready before the old one stops; `parallel` at once. */
  | ({ type: 'reload'; target: Target } & ReloadRequest)
  | { type: 'delete'; target: Target }
  | { type: 'pause'; target: Target }
  | { type: 'resume'; target: Target }
  /** Zero the restart counters; an errored instance starts again with a fresh crash-loop count. */
  | { type: 'reset'; target: Target }
  /** A count (a pooled app's must be within its bounds), new pool bounds, or both (bounds first). */
  | { type: 'scale'; name: string; change?: ScaleChange; bounds?: PoolBounds }
  | { type: 'list' }
  /** Every defined app and its number of instances: an app scaled to 0 has no instance for `list` to show. */
  | { type: 'apps' }
  | { type: 'describe'; target: Target }
  | { type: 'ping' }
  /** Stop every app, then the daemon. */
  | { type: 'kill' }
  /** Stream: the last `lines` events (since `sinceMs`, epoch ms), then new ones while `follow`. */
  | { type: 'events'; lines: number; follow: boolean; sinceMs?: number }
  /**
   * Stream: the last `lines` lines of each selected stream file (newer than `sinceMs`, matching the
   * regular expression `grep`), merged by time, then new lines as they are written while `follow`.
   * The daemon matches `grep` in linear time: it refuses backreferences, lookarounds and more than
   * 256 characters.
   */
  | {
      type: 'logs';
      target: Target;
      lines: number;
      follow: boolean;
      streams: LogStream[];
      sinceMs?: number;
      grep?: string;
    }
  /** Empty the current log files of the selected instances. */
  | { type: 'flush'; target: Target }
  /** Stream: a snapshot of every instance and the daemon, then changes and samples (`pm top`). */
  | { type: 'watch' }
  /** The Prometheus metric families, from the latest sample. */
  | { type: 'metrics' };

export type RequestType = Request['type'];
export type RequestOf<K extends RequestType> = Extract<Request, { type: K }>;

export interface HelloReply {
  protocolVersion: number;
  daemonVersion: string;
  /** What went wrong while no command was watching, told once: the CLI prints them on stderr. */
  notices?: string[];
}

/** How late the daemon's event loop ran since it started, in ms beyond the 50 ms sampling interval. */
export interface EventLoopDelay {
  /** The longest the loop was held up: one stall shows here. */
  maxMs: number;
  /** 99 % of samples were no later than this. */
  p99Ms: number;
}

export interface PingReply {
  pid: number;
  daemonVersion: string;
  protocolVersion: number;
  home: string;
  uptimeMs: number;
  memoryBytes: number;
  eventLoopDelay: EventLoopDelay;
  apps: number;
  instances: number;
  /** The daemon-wide settings in effect. */
  settings: DaemonSettings;
  /** Those of them that config files applied (the rest come from the daemon's environment): what `pm save` keeps. */
  appliedSettings: DaemonSettingsChange;
  /** Why the Prometheus port is set but not served (it was in use when the daemon started); else absent. */
  prometheusError?: string;
  isolation: IsolationInfo;
  /** How the daemon reads the process table: `procfs (...)` or `portable (...)`. */
  processTable: string;
}

/** What holds each instance's processes: a cgroup per instance, or (none) its process group. */
export interface IsolationInfo {
  mechanism: 'cgroup-v2' | 'cgroup-hybrid' | 'cgroup-v1' | 'process-groups';
  /** Why there are no cgroups, or what they lack (a controller); empty when nothing is missing. */
  reason: string;
  /** The line `pm ping` prints. */
  summary: string;
}

/** An app as `apps` names it. */
export interface AppSummary {
  name: string;
  /** 0 for an app defined with `instances: 0` or scaled to 0: it is kept, and `pm scale` brings it back. */
  instances: number;
  /** A pooled app's bounds; absent for a fixed count. */
  pool?: { minSize: number; maxSize: number };
}

/** The autoscaler's view of a pool, for `describe`. */
export interface AutoscaleInfo {
  /** The pool's average CPU over its last samples (percent of one core per instance); null before any. */
  avgCpuPercent: number | null;
  /** The last decision (a scale, saturation or a scaling error) and why; null before any. */
  lastDecision: { at: number; message: string } | null;
  /** A scale the autoscaler started is running. */
  scaling: boolean;
  /** A pool with a queue: its latest reading (the jobs waiting and the instances they want, or
   * why there is no number); null before the first. Absent without a queue. */
  queue?: { at: number; value: number; wants: number | null } | { at: number; error: string } | null;
}

/** A scheduled app (cron:, cron_restart:), for `describe`: its next run and what the last one did. */
export interface ScheduleInfo {
  /** Epoch ms; null when the expression has no next run. */
  nextAt: number | null;
  last: { at: number; outcome: 'started' | 'restarted' | 'skipped'; detail: string } | null;
}

/** An app with its full definition and per-instance restart history, for `describe`. */
export interface AppDetails {
  spec: AppSpec;
  /** What holds the app's processes on this host, and its limits the host does not enforce. */
  isolation: { summary: string; exact: boolean; notEnforced: string[] };
  instances: Array<ProcessInfo & { history: RestartRecord[]; usage?: UsageStats | null }>;
  /** A pooled app's autoscaling; absent for a fixed count (or a daemon without the autoscaler). */
  autoscale?: AutoscaleInfo;
  /** A scheduled app's next run and last one; absent without a schedule. */
  schedule?: ScheduleInfo;
}

export interface ResponseOf {
  hello: HelloReply;
  apply: ApplyReply;
  start: ProcessInfo[];
  stop: ProcessInfo[];
  restart: ProcessInfo[];
  reload: ProcessInfo[];
  delete: ProcessInfo[];
  pause: ProcessInfo[];
  resume: ProcessInfo[];
  reset: ProcessInfo[];
  scale: ProcessInfo[];
  list: ProcessInfo[];
  apps: AppSummary[];
  describe: AppDetails[];
  ping: PingReply;
  kill: { stopped: number };
  /** The files emptied. */
  flush: { files: string[] };
  metrics: MetricFamily[];
}

/** Requests answered by a stream of `event` frames closed by an `end` frame, and what each event carries. */
export interface StreamEventOf {
  events: PmEvent;
  logs: LogLine;
  watch: WatchEvent;
}

export type StreamType = keyof StreamEventOf;
export type UnaryType = Exclude<RequestType, StreamType>;

/** A request on the wire: the request plus an id that its reply echoes. */
export type RequestFrame = Request & { id: number };

export type ReplyFrame =
  | { id: number; ok: true; data: unknown }
  | { id: number | null; ok: false; error: WireError }
  /** One item of a stream. */
  | { id: number; event: unknown }
  /** The stream is over. */
  | { id: number; end: true };
