// Config sections (snake_case keys, units parsed) → the partial AppSpec policies they set. Keys
// left out stay out, so that app values override process_management: ones key by key.
import path from 'node:path';
import type {
  LimitsSpec,
  LogSpec,
  MonitoringSpec,
  PoolSpec,
  QueueCheck,
  QueueSpec,
  RecoveryPolicy,
  RlimitsSpec,
  StopPolicy,
} from '../../protocol/app-spec.js';
import { DEFAULT_QUEUE_INTERVAL_MS } from '../defaults.js';
import type { AppEntry, MonitoringEntry, PoolEntry, QueueEntry, RecoveryEntry } from './config-format.js';

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}

export function toRecovery(entry: RecoveryEntry = {}): Partial<RecoveryPolicy> {
  const autoRestart = entry.auto_restart;
  return definedOnly({
    autoRestart: autoRestart === true ? 'always' : autoRestart === false ? 'never' : autoRestart,
    maxRestarts: entry.max_restarts,
    restartWindowMs: entry.restart_window,
    restartDelayMs: entry.restart_delay,
    minUptimeMs: entry.min_uptime,
    backoffMaxMs: entry.backoff,
    stopExitCodes: entry.stop_exit_codes,
    retryAfterMs: entry.retry_after === 'never' ? 0 : entry.retry_after,
  });
}

export function toPool(entry: PoolEntry = {}): Partial<PoolSpec> {
  return definedOnly({
    minSize: entry.min_size,
    maxSize: entry.max_size,
    idleTimeoutMs: entry.idle_timeout,
    targetCpuPercent: entry.target_cpu,
    cooldownMs: entry.cooldown,
    queue: entry.queue && toQueue(entry.queue),
  });
}

/** `exec:` or `http:` (exactly one, checked by the format), the interval defaulted. */
function toQueue(entry: QueueEntry): QueueSpec {
  const check: QueueCheck =
    entry.http !== undefined
      ? { type: 'http', url: entry.http }
      : { type: 'exec', command: entry.exec ?? '' };
  return {
    check,
    perInstance: entry.per_instance,
    intervalMs: entry.interval ?? DEFAULT_QUEUE_INTERVAL_MS,
    ...(entry.timeout !== undefined && { timeoutMs: entry.timeout }),
  };
}

export function toMonitoring(entry: MonitoringEntry = {}): Partial<MonitoringSpec> {
  const { alerting } = entry;
  return definedOnly({
    metricsCollection: entry.metrics_collection,
    alerting: alerting === undefined || typeof alerting === 'object' ? alerting : alerting ? {} : null,
  });
}

/** Log paths are relative to the config file's directory. */
export function toLogs(entry: AppEntry['logs'] = {}, configDir: string): Partial<LogSpec> {
  const resolve = (file?: string) => (file === undefined ? undefined : path.resolve(configDir, file));
  return definedOnly({
    outFile: resolve(entry.out_file),
    errFile: resolve(entry.err_file),
    merge: entry.merge,
    timestamps: entry.timestamps,
    format: entry.format,
    maxSizeBytes: entry.max_size,
    maxFiles: entry.max_files,
    compress: entry.compress,
  });
}

export function toStop(entry: AppEntry['stop'] = {}): Partial<StopPolicy> {
  return definedOnly({ signal: entry.signal, killTimeoutMs: entry.kill_timeout });
}

export function toLimits(entry: AppEntry['limits'] = {}): LimitsSpec {
  return definedOnly({
    maxMemoryBytes: entry.max_memory,
    hardMemoryBytes: entry.hard_memory,
    cpu: entry.cpu,
    maxProcs: entry.max_procs,
    maxFds: entry.max_fds,
    bestEffort: entry.best_effort,
  });
}

/** undefined when no rlimit is set: the app is then spawned without the shell prelude. */
export function toRlimits(entry: AppEntry['rlimits'] = {}): RlimitsSpec | undefined {
  const rlimits = definedOnly({
    nofile: entry.nofile,
    nproc: entry.nproc,
    core: entry.core,
    memlock: entry.memlock,
  });
  return Object.keys(rlimits).length > 0 ? rlimits : undefined;
}
