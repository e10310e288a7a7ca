// The config file format, key by key: the loader reads with it, docs/pm.schema.json is generated
// from it, and `ConfigFile` is its type.
import { DEPENDENCY_CONDITIONS, MAX_LISTEN, STOP_SIGNALS } from '../../protocol/app-spec.js';
import { APP_NAME_PATTERN } from '../../protocol/target.js';
import {
  boolean,
  count,
  duration,
  either,
  type Infer,
  list,
  map,
  number,
  octal,
  oneOf,
  only,
  section,
  size,
  string,
  text,
} from './format-fields.js';

/**
 * Floors below which a value is a mistake, not a choice. A probe more often than every 100 ms costs
 * a good part of a core and tells nothing a slower one would not; no program runs in less than
 * 1 MiB of resident memory (a static `sleep` takes about 1 MiB, node about 40 MiB), so a smaller
 * limit is a unit left out (`--max-memory 300` for 300M) that would restart the app forever.
 */
export const MIN_PROBE_MS = 100;
export const MIN_MEMORY_BYTES = 1024 * 1024;

/** Names a shell and every program can read: `A B` or `1X` would reach the app unusable. */
const ENV_NAME = {
  pattern: /^[A-Za-z_][A-Za-z0-9_]*$/,
  hint: 'a name of letters, digits and "_", not starting with a digit',
};
const ENV_NAME_RULE = { pattern: ENV_NAME.pattern, patternHint: ENV_NAME.hint };

/** A uid or gid fits in 32 bits; 4294967295 is (uid_t)-1, "no change" to setuid. */
const MAX_ID = 4_294_967_294;
/** The kernel's ceilings: open files per process (fs.nr_open) and pids (pid_max). */
const MAX_FDS = 1_073_741_816;
const MAX_PROCS = 4_194_304;

/** User and group names as useradd and systemd accept them (a trailing `$` for machine accounts). */
const ACCOUNT_NAME = {
  pattern: /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}\$?$/,
  patternHint: 'a name of letters, digits, "_", "-" and "." (at most 32)',
};

/** Where the daemon-wide monitoring keys go, for the error about one written in an app. */
const DAEMON_MONITORING = 'process_management.monitoring (one daemon-wide setting for every app)';

/** A queue probe's output is read in the daemon: a few KB holds any number, and a regex is never the user's. */
const queue = section(
  'Also scale on a queue: the pool wants ceil(queue / per_instance) instances (the larger of this and the CPU want wins).',
  {
    exec: string('Run this command; it prints one number: the jobs waiting.', 'redis-cli llen jobs'),
    http: string(
      'GET this URL; it answers 2xx with one number: the jobs waiting.',
      'http://127.0.0.1:3000/queue',
      {
        pattern: /^https?:\/\/\S+$/,
        patternHint: 'an http:// or https:// URL',
      },
    ),
    per_instance: count('Jobs one instance takes on.', 1, 1_000_000_000),
    interval: duration('Time between two probes.', '5s', MIN_PROBE_MS),
    timeout: duration('A slower probe fails (default: interval, at most 5s).', '2s', MIN_PROBE_MS),
  },
  { title: 'queue', required: ['per_instance'], exactlyOne: ['exec', 'http'] },
);

/** An app name, as a value and as a key (a dependency's map). */
const APP_NAME_RULE = {
  pattern: APP_NAME_PATTERN,
  patternHint: 'a name of letters, digits, "_", "-" and "." (at most 64; not "all", not only digits)',
};
const APP_NAME_KEYS = { pattern: APP_NAME_PATTERN, hint: APP_NAME_RULE.patternHint };

const condition = oneOf(
  'started: each instance runs (a task: or completed); healthy: each is healthy (it needs a health probe); completed: each ended (a task); completed_successfully: each exited 0 (a task).',
  DEPENDENCY_CONDITIONS,
);
const dependency = either(
  'A condition, or a condition with restart.',
  condition,
  section(
    'A condition, and whether a crash restart of the dependency restarts this app.',
    {
      condition,
      restart: boolean(
        'true: when the dependency restarts after a crash, this app is restarted once the condition holds again.',
      ),
    },
    { required: ['condition'] },
  ),
);

/** A listen: entry's shape; its port range is checked when the app is resolved (listen-address.ts). */
const listenEntry = either(
  'A port, or host:port.',
  count('A port on every address.', 1, 65_535),
  string('host:port', '127.0.0.1:8080', {
    pattern: /^(\d{1,5}|(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):\d{1,5})$/,
    patternHint: 'a port or host:port, e.g. 3000, 127.0.0.1:8080 or [::1]:8080',
  }),
);

const pool = section(
  'An autoscaled pool: starts min_size instances, grows on CPU load up to max_size and shrinks on idle instances back to min_size (an app with `instances:` has a fixed count instead; docs/scaling.md).',
  {
    min_size: count('Fewest instances; also the number started.', 0, 10_000),
    max_size: count('Most instances.', 0, 10_000),
    idle_timeout: duration(
      'An instance whose CPU stays under 5 % of target_cpu (at least 1 %) this long is removed, never below min_size.',
      '300s',
    ),
    target_cpu: count(
      'Grow when the average CPU of the pool stays above this for 3 samples (percent of one core per instance).',
      1,
      100_000,
    ),
    cooldown: duration('Minimum time between two scaling decisions.', '30s'),
    queue,
  },
  { title: 'pool' },
);

const alerting = either(
  'Alerts (crash loop, limit exceeded, unhealthy): true for the event log only, or sinks to notify as well.',
  boolean('true: alerts go to the event log.'),
  section('Where alerts are sent besides the event log.', {
    webhook: string('POST each alert as JSON to this URL.', 'http://127.0.0.1:9000/alerts'),
    command: string('Run this command for each alert (the event in env vars and on stdin).', 'logger -t pm'),
  }),
);

const appMonitoringKeys = {
  health_check_interval: duration('Default interval of health probes.', '30s', MIN_PROBE_MS),
  metrics_collection: boolean('Sample CPU and memory of each instance.'),
  alerting,
};

const monitoring = section('Metrics and alerts.', appMonitoringKeys, {
  title: 'monitoring',
  misplaced: { metrics_interval: DAEMON_MONITORING, prometheus: DAEMON_MONITORING },
});

// One sampler and one endpoint serve every app: these two keys are the daemon's, never an app's.
const sharedMonitoring = section(
  'Metrics and alerts: defaults for every app, and the daemon-wide sampler and Prometheus endpoint.',
  {
    ...appMonitoringKeys,
    metrics_interval: duration(
      'Time between two samples of every instance (daemon-wide; 0 turns sampling off, else at least 100ms).',
      '1s',
    ),
    prometheus: either(
      'Serve the metrics of `pm metrics` at http://127.0.0.1:<port>/metrics (daemon-wide), or false for none.',
      section(
        'The Prometheus endpoint, on 127.0.0.1 only.',
        { port: count('A TCP port.', 1, 65_535) },
        {
          required: ['port'],
        },
      ),
      only(false, 'false: no endpoint.'),
    ),
  },
);

const recovery = section(
  'When and how fast an instance that exits on its own is restarted.',
  {
    auto_restart: either(
      'Restart on exit: true (always), false (never), or always, on-failure, never.',
      boolean('true: always; false: never.'),
      oneOf('always: any exit; on-failure: non-zero code or a signal; never.', [
        'always',
        'on-failure',
        'never',
      ]),
    ),
    max_restarts: count(
      'Restarts allowed within restart_window before the instance is errored.',
      0,
      1_000_000,
    ),
    restart_window: duration('The window in which max_restarts counts.', '60s'),
    restart_delay: duration('Delay before the first restart.', '1s'),
    min_uptime: duration('A run shorter than this counts as a crash.', '1s'),
    backoff: duration(
      'Cap of the exponential backoff between crash restarts (0 disables it); never more than restart_window / max_restarts.',
      '30s',
    ),
    stop_exit_codes: list(
      'Exit codes that mean "done on purpose": never restarted.',
      count('An exit code.', 0, 255),
    ),
    retry_after: either(
      'After giving up, try again this long later with a fresh count: a duration, or never (also 0).',
      oneOf('never: stay errored until `pm reset` or `pm restart`.', ['never']),
      duration('Try again this long after giving up.', '5m'),
    ),
  },
  { title: 'recovery' },
);

const probe = section(
  'A health probe: exactly one of http, tcp or exec, with Kubernetes-style timing.',
  {
    http: string('GET this URL; a 2xx or 3xx status passes.', 'http://127.0.0.1:3000/health', {
      pattern: /^https?:\/\/\S+$/,
      patternHint: 'an http:// or https:// URL',
    }),
    tcp: either(
      'Connect to this port (on 127.0.0.1) or host:port.',
      count('A port on 127.0.0.1.', 1, 65_535),
      string('host:port', '127.0.0.1:5432', { pattern: /^[^\s:]+:\d+$/, patternHint: 'a host:port string' }),
    ),
    exec: string('Run this command; exit code 0 passes.', 'test -f /tmp/ready'),
    kind: oneOf(
      'liveness restarts on failure; readiness only sets the health shown; startup gates the others.',
      ['liveness', 'readiness', 'startup'],
    ),
    interval: duration(
      'Time between probes (default: monitoring.health_check_interval).',
      '10s',
      MIN_PROBE_MS,
    ),
    timeout: duration('A probe slower than this fails.', '2s', MIN_PROBE_MS),
    failure_threshold: count('Consecutive failures before the instance is unhealthy.', 1, 1000),
    success_threshold: count('Consecutive successes before it is healthy again.', 1, 1000),
    start_period: duration('No verdict before the run is this old.', '10s'),
  },
  { title: 'probe', exactlyOne: ['http', 'tcp', 'exec'] },
);

const env = map(
  'Environment variables; numbers and booleans are taken as written.',
  text('A value.', 'production'),
  ENV_NAME,
);

const logs = section(
  'Where and how output is written.',
  {
    out_file: string('stdout file (relative to the config file).', 'logs/web.out.log'),
    err_file: string('stderr file (relative to the config file).', 'logs/web.err.log'),
    merge: boolean('One file for all instances of the app.'),
    timestamps: boolean('Prefix each line with an ISO-8601 time.'),
    format: oneOf('text lines, or one JSON object per line.', ['text', 'json']),
    max_size: size('Rotate a file when it grows past this.', '10M'),
    max_files: count('Rotated files kept.', 0, 1000),
    compress: boolean('gzip rotated files.'),
  },
  { title: 'logs' },
);

const app = section(
  'One app: a program to keep running, with its own policies.',
  {
    name: string('Unique app name.', 'web', APP_NAME_RULE),
    script: string('A script file (relative to cwd); .js/.mjs/.cjs/.ts run with node.', 'server.js'),
    command: string(
      'A command line, run directly or through /bin/sh when it uses shell syntax.',
      'node server.js',
    ),
    args: either(
      'Arguments after the script (a string is split on spaces).',
      list('One argument each.', text('An argument.', '--port')),
      string('Arguments separated by spaces.', '--port 3000'),
    ),
    cwd: string('Working directory, relative to the config file.', '.'),
    env,
    env_file: string('KEY=VALUE lines read before env: (relative to the config file).', '.env'),
    interpreter: string('Run the script with this program (`none`: execute it directly).', 'node'),
    node_args: either(
      'Arguments of the interpreter (node), before the script, as PM2 has them.',
      list('One argument each.', text('An argument.', '--max-old-space-size=512')),
      string('Arguments separated by spaces.', '--max-old-space-size=512 --enable-source-maps'),
    ),
    type: oneOf(
      'service (the default) keeps running; task runs to completion: exit 0 is completed and never restarted, a failure is restarted only if recovery.auto_restart says so.',
      ['service', 'task'],
    ),
    depends_on: either(
      'Apps of this file to wait for before starting: a map of app → condition, or a list of apps (started).',
      map('App → condition.', dependency, APP_NAME_KEYS),
      list('Apps that must be started first.', string('An app of this file.', 'db', APP_NAME_RULE)),
    ),
    increment_var: string(
      "An env variable holding a number (PORT: 3000): instance N gets the number + N (3000, 3001, …), as PM2's increment_var.",
      'PORT',
      ENV_NAME_RULE,
    ),
    watch: either(
      'Restart when a file changes (a rolling reload with listen:): true for the whole cwd, or paths and globs relative to it.',
      boolean('true: every file below cwd.'),
      list('Paths or globs (src/**/*.js) relative to cwd.', string('A path or glob.', 'src/**/*.js'), 100),
    ),
    watch_ignore: list(
      'Globs not watched, beside node_modules and .git (a name alone matches at any depth).',
      string('A glob.', '*.log'),
      100,
    ),
    watch_delay: duration('A restart waits until no change came for this long.', '500ms'),
    cron: string(
      'Run this task on a schedule: 5 cron fields, or 6 with seconds first; a run still going when the next is due is skipped (an event).',
      '0 3 * * *',
    ),
    cron_restart: string(
      'Restart this service on a schedule (5 cron fields, or 6 with seconds).',
      '0 4 * * *',
    ),
    timezone: string("The IANA time zone of cron: or cron_restart: (default: the daemon's).", 'Europe/Paris'),
    instances: count('A fixed number of instances (instead of pool:).', 0, 10_000),
    pool,
    listen: either(
      'Ports the daemon listens on for the app, shared by its instances: fds 3, 4, … with LISTEN_FDS (socket activation); Node apps need no change (docs/scaling.md).',
      list('Ports or host:port addresses.', listenEntry, MAX_LISTEN),
      listenEntry,
    ),
    listen_timeout: duration(
      'How long a replacement (pm reload) has to be ready; with no readiness probe and no notice, being up this long counts as ready.',
      '3s',
    ),
    wait_ready: boolean(
      'A replacement must say it is ready (a line on PM_READY_FD; Node apps with listen: do it when they listen) within listen_timeout.',
    ),
    health: either('One health probe, or a list of them.', list('Health probes.', probe, 16), probe),
    limits: section('Resource limits.', {
      max_memory: size(
        'Restart when the process tree uses more resident memory (checked on metrics samples: not while they are off).',
        '300M',
        MIN_MEMORY_BYTES,
      ),
      hard_memory: size(
        "Memory ceiling of the instance's cgroup: past it the kernel kills inside the instance (OOM).",
        '512M',
        MIN_MEMORY_BYTES,
      ),
      cpu: number(
        "CPU time the instance may use, in cores (0.5: half of one core): the cgroup's quota.",
        0.5,
        0.01,
        1024,
      ),
      max_procs: count(
        "Processes and threads the instance may have at once: the cgroup's pids limit.",
        1,
        MAX_PROCS,
      ),
      max_fds: count("Alert when the instance's open file descriptors pass this.", 1, MAX_FDS),
      best_effort: boolean(
        'true: a limit the host cannot enforce (no cgroup) is applied as far as it can be and reported, not refused.',
      ),
    }),
    user: either(
      'Run as this user (a name or a uid), with its primary group unless group: is set; pm must run as root.',
      count('A uid.', 0, MAX_ID),
      string('A user name.', 'www-data', ACCOUNT_NAME),
    ),
    group: either(
      "Run with this group (a name or a gid); alone, pm's own user with this group; pm must run as root.",
      count('A gid.', 0, MAX_ID),
      string('A group name.', 'www-data', ACCOUNT_NAME),
    ),
    umask: octal("File mode creation mask of the app's processes.", '027', 0o777),
    rlimits: section(
      "Limits set on the app's processes with setrlimit (soft and hard alike); at most the hard limits pm runs under.",
      {
        nofile: count('Open files per process.', 1, MAX_FDS),
        nproc: count("Processes of the app's user (all of them, not only the app's).", 1, MAX_PROCS),
        core: size('Core file size (0: no core files), in whole 512-byte blocks.', '0'),
        memlock: size('Locked memory, in whole KiB.', '64K'),
      },
    ),
    env_inherit: boolean(
      "false: a clean environment (PATH, HOME, USER, LANG, the env: given and PM_*) instead of the shell's.",
    ),
    stop: section('How an instance is stopped.', {
      signal: oneOf('Sent to the process group first.', STOP_SIGNALS),
      kill_timeout: duration('Then wait this long before SIGKILL to the whole tree.', '5s'),
    }),
    recovery,
    logs,
    monitoring,
  },
  { title: 'app', required: ['name'], exactlyOne: ['script', 'command'], profiles: env },
);

/** The fields of an app and of a probe, for the command-line options that set the same values. */
export const APP_FIELDS = app.keys;
export const PROBE_FIELDS = probe.keys;

/** The whole file: the defaults block of the seed, and the apps. */
export const CONFIG_FORMAT = section('A pm config file.', {
  process_management: section('Defaults for every app; each app may override any of them.', {
    pool,
    monitoring: sharedMonitoring,
    recovery,
  }),
  apps: list('The apps to run.', app),
});

// The types of a read config, derived from the table: they cannot disagree with what is read.
export type ConfigFile = Infer<typeof CONFIG_FORMAT>;
export type AppEntry = NonNullable<ConfigFile['apps']>[number];
export type ProbeEntry = Infer<typeof probe>;
export type RecoveryEntry = Infer<typeof recovery>;
export type MonitoringEntry = Infer<typeof monitoring>;
export type SharedMonitoringEntry = Infer<typeof sharedMonitoring>;
export type PoolEntry = Infer<typeof pool>;
export type QueueEntry = Infer<typeof queue>;
