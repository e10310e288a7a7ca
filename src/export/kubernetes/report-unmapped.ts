// The keys of an app that have no Kubernetes equivalent, one report line each, and only when the
// user set them (a value other than pm's default).
import { DEFAULT_LISTEN_TIMEOUT_MS, DEFAULT_LOGS } from '../../config/defaults.js';
import type { AppSpec, LogSpec } from '../../protocol/app-spec.js';

const LOG_KEYS: Record<keyof LogSpec, string> = {
  outFile: 'out_file',
  errFile: 'err_file',
  merge: 'merge',
  timestamps: 'timestamps',
  format: 'format',
  maxSizeBytes: 'max_size',
  maxFiles: 'max_files',
  compress: 'compress',
};

function changedLogKeys(logs: LogSpec): string[] {
  return (Object.keys(LOG_KEYS) as (keyof LogSpec)[])
    .filter((key) => logs[key] !== DEFAULT_LOGS[key])
    .map((key) => `logs.${LOG_KEYS[key]}`);
}

export function reportUnmapped(spec: AppSpec): string[] {
  const lines: string[] = [];
  const add = (key: string, why: string): void => {
    lines.push(`${spec.name}: ${key}: ${why}`);
  };
  for (const key of changedLogKeys(spec.logs))
    add(key, 'no equivalent; a pod logs to stdout/stderr (kubectl logs), the node rotates them');
  if (!spec.monitoring.metricsCollection)
    add('monitoring.metrics_collection', 'no equivalent; the cluster collects metrics (metrics-server)');
  const alerting = spec.monitoring.alerting;
  if (alerting?.webhook !== undefined || alerting?.command !== undefined)
    add('monitoring.alerting', 'no equivalent; alert from the cluster (e.g. Prometheus Alertmanager)');
  if (spec.schedule?.action === 'restart')
    add('cron_restart', 'no equivalent; a CronJob running `kubectl rollout restart deployment/…` does it');
  if (spec.watch) add('watch', 'no equivalent; a new image or `kubectl rollout restart` replaces the pods');
  if (spec.incrementVar !== undefined)
    add(
      'increment_var',
      'no equivalent; a StatefulSet gives each pod its ordinal (apps.kubernetes.io/pod-index)',
    );
  if (spec.umask !== undefined) add('umask', 'no equivalent; set it in the image entrypoint');
  if (spec.rlimits)
    add('rlimits', 'no equivalent per pod; the container runtime sets them (ulimits of the node)');
  if (spec.envInherit === false)
    add('env_inherit', "no equivalent; a container's environment is the image's ENV plus env:");
  if (spec.listenTimeoutMs !== undefined && spec.listenTimeoutMs !== DEFAULT_LISTEN_TIMEOUT_MS)
    add('listen_timeout', 'no equivalent; a rollout waits for readiness (progressDeadlineSeconds)');
  if (spec.waitReady) add('wait_ready', 'no equivalent; give it a readiness probe (health: kind: readiness)');
  for (const address of spec.listen ?? [])
    if (address.host !== null)
      add('listen', `${address.host}:${address.port}: a Service listens on the cluster's address`);
  if (spec.pool && spec.type === 'task')
    add('pool', 'no equivalent for a task; a Job has a fixed parallelism');
  return lines;
}
