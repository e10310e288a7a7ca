// How the app is restarted and stopped: Restart=, RestartSec=, the start limit, KillSignal=.
import { DEFAULT_RECOVERY } from '../../config/defaults.js';
import { formatMs } from '../../config/units.js';
import type { AppSpec } from '../../protocol/app-spec.js';
import type { UnitBuilder } from './unit-builder.js';
import { timeSpan } from './unit-file.js';

const RESTART = { always: 'always', 'on-failure': 'on-failure', never: 'no' } as const;

function addRestart(spec: AppSpec, out: UnitBuilder): void {
  const { recovery } = spec;
  let restart: string = RESTART[recovery.autoRestart];
  // systemd refuses Restart=always on a oneshot; on-failure is what pm does for a task (exit 0 is done).
  if (spec.type === 'task' && restart === 'always') {
    restart = 'on-failure';
    out.report(
      'recovery.auto_restart',
      'always on a task: Restart=on-failure (systemd refuses always for Type=oneshot)',
    );
  }
  out.service.push(`Restart=${restart}`);
  if (restart === 'no') return;
  out.service.push(`RestartSec=${timeSpan(recovery.restartDelayMs)}`);
  // Every start counts in systemd's limit, the first one too: max_restarts restarts are max_restarts + 1 starts.
  out.unit.push(
    `StartLimitIntervalSec=${timeSpan(recovery.restartWindowMs)}`,
    `StartLimitBurst=${recovery.maxRestarts + 1}`,
  );
  if (recovery.backoffMaxMs !== DEFAULT_RECOVERY.backoffMaxMs && recovery.backoffMaxMs > 0) {
    out.report(
      'recovery.backoff',
      `no equivalent before systemd 254, restarts wait RestartSec= each time; on 254 or later add RestartSteps=5 and RestartMaxDelaySec=${timeSpan(recovery.backoffMaxMs)}`,
    );
  }
  if (recovery.minUptimeMs !== DEFAULT_RECOVERY.minUptimeMs) {
    out.report(
      'recovery.min_uptime',
      'no equivalent: systemd counts every start in StartLimitBurst=, short or long',
    );
  }
  if (recovery.retryAfterMs !== DEFAULT_RECOVERY.retryAfterMs) {
    out.report(
      'recovery.retry_after',
      `no equivalent: a unit past its start limit stays failed until \`systemctl reset-failed\` (a timer could run it every ${formatMs(recovery.retryAfterMs)})`,
    );
  }
}

export function addRecoveryDirectives(spec: AppSpec, out: UnitBuilder): void {
  if (spec.type === 'task') {
    // A task runs to completion: the unit is done when it exits, however long that takes (pm never times it out).
    out.service.push('Type=oneshot', 'RemainAfterExit=no', 'TimeoutStartSec=infinity');
  } else {
    out.service.push('Type=exec');
  }
  addRestart(spec, out);
  const codes = spec.recovery.stopExitCodes.join(' ');
  if (codes !== '') {
    // Exits done on purpose: not a failure, and never restarted.
    out.service.push(`SuccessExitStatus=${codes}`, `RestartPreventExitStatus=${codes}`);
  }
  // pm signals the process group and then kills the whole tree: the cgroup is that tree.
  out.service.push(
    `KillSignal=${spec.stop.signal}`,
    `TimeoutStopSec=${timeSpan(spec.stop.killTimeoutMs)}`,
    'KillMode=control-group',
  );
}
