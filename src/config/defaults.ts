// Every default value of an app definition, in one place.
import type {
  LogSpec,
  MonitoringSpec,
  PoolSpec,
  ProbeSpec,
  RecoveryPolicy,
  StopPolicy,
} from '../protocol/app-spec.js';

export const DEFAULT_STOP: StopPolicy = { signal: 'SIGTERM', killTimeoutMs: 5000 };

export const DEFAULT_RECOVERY: RecoveryPolicy = {
  autoRestart: 'always',
  maxRestarts: 15,
  restartWindowMs: 60_000,
  minUptimeMs: 1000,
  restartDelayMs: 0,
  backoffMaxMs: 30_000,
  stopExitCodes: [],
  retryAfterMs: 5 * 60_000,
};

/** Restart on file change: what is never watched, and the quiet time before a restart. */
export const DEFAULT_WATCH_IGNORE = ['node_modules', '.git'];
export const DEFAULT_WATCH_DELAY_MS = 500;

/** How long a reload's replacement has to be ready (`listen_timeout`); PM2's default too. */
export const DEFAULT_LISTEN_TIMEOUT_MS = 3000;

/** How long `start`, `restart` and `scale` wait for new instances to come online before replying. */
export const START_WAIT_MS = 3000;

export const DEFAULT_LOGS: LogSpec = {
  merge: false,
  timestamps: true,
  format: 'text',
  maxSizeBytes: 10 * 1024 * 1024,
  maxFiles: 5,
  compress: false,
};

/** Probe fields a probe definition may leave out; `intervalMs` follows monitoring.health_check_interval. */
export const DEFAULT_PROBE: Omit<ProbeSpec, 'kind' | 'check'> = {
  intervalMs: 30_000,
  timeoutMs: 2000,
  failureThreshold: 3,
  successThreshold: 1,
  startPeriodMs: 0,
};

/** Host of a health probe written `tcp: PORT`. */
export const DEFAULT_PROBE_HOST = '127.0.0.1';

export const DEFAULT_POOL: PoolSpec = {
  minSize: 1,
  maxSize: 1,
  idleTimeoutMs: 300_000,
  targetCpuPercent: 70,
  cooldownMs: 30_000,
};

/** Time between two probes of a pool's queue. */
export const DEFAULT_QUEUE_INTERVAL_MS = 5_000;

export const DEFAULT_MONITORING: MonitoringSpec = { metricsCollection: true, alerting: null };

/** How often the daemon samples CPU and memory of every instance tree. */
export const METRICS_INTERVAL_MS = 1000;

/** How much usage history the daemon keeps per instance (for `describe` min/avg/max and sparklines). */
export const METRICS_HISTORY_MS = 5 * 60_000;
