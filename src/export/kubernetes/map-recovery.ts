// recovery: a Deployment's pods are always restarted, with the kubelet's own back-off (10 s doubling
// to 5 min); a Job's restart policy and backoffLimit carry auto_restart and max_restarts of a task.
import { DEFAULT_RECOVERY } from '../../config/defaults.js';
import type { AppSpec, RecoveryPolicy } from '../../protocol/app-spec.js';
import type { Mapped } from './manifest.js';

export interface RestartMapping {
  restartPolicy: 'Always' | 'OnFailure' | 'Never';
  /** A Job's retries; absent for a Deployment. */
  backoffLimit?: number;
}

const CONFIG_KEYS: Record<Exclude<keyof RecoveryPolicy, 'autoRestart'>, string> = {
  maxRestarts: 'max_restarts',
  restartWindowMs: 'restart_window',
  minUptimeMs: 'min_uptime',
  restartDelayMs: 'restart_delay',
  backoffMaxMs: 'backoff',
  stopExitCodes: 'stop_exit_codes',
  retryAfterMs: 'retry_after',
};

function changedKeys(recovery: RecoveryPolicy, mapped: ReadonlySet<string>): string[] {
  return Object.entries(CONFIG_KEYS)
    .filter(([key]) => !mapped.has(key))
    .filter(([key]) => {
      const field = key as keyof typeof CONFIG_KEYS;
      return JSON.stringify(recovery[field]) !== JSON.stringify(DEFAULT_RECOVERY[field]);
    })
    .map(([, configKey]) => `recovery.${configKey}`);
}

export function mapRecovery(spec: AppSpec): Mapped<RestartMapping> {
  const { recovery } = spec;
  const report: string[] = [];
  let value: RestartMapping;
  if (spec.type === 'task') {
    const never = recovery.autoRestart === 'never';
    value = { restartPolicy: never ? 'Never' : 'OnFailure', backoffLimit: never ? 0 : recovery.maxRestarts };
  } else {
    value = { restartPolicy: 'Always' };
    if (recovery.autoRestart !== 'always')
      report.push(
        `${spec.name}: recovery.auto_restart: ${recovery.autoRestart}: a Deployment restarts its pods always; make it a task (a Job) if it should end`,
      );
  }
  const mapped = new Set(spec.type === 'task' ? ['maxRestarts'] : []);
  for (const key of changedKeys(recovery, mapped))
    report.push(`${spec.name}: ${key}: no equivalent; the kubelet backs off on its own (10s doubling to 5m)`);
  return { value, report };
}
