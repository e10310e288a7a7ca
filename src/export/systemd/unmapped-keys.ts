// The keys with no systemd equivalent: one report line each, saying what comes closest.
import { DEFAULT_LISTEN_TIMEOUT_MS, DEFAULT_LOGS } from '../../config/defaults.js';
import { formatMs } from '../../config/units.js';
import type { AppSpec, LogSpec, ProbeSpec } from '../../protocol/app-spec.js';
import { escapeText } from './systemd-quote.js';
import type { UnitBuilder } from './unit-builder.js';

function probeAdvice(probe: ProbeSpec): string {
  if (probe.kind === 'liveness') {
    return 'liveness: no equivalent; an app that calls sd_notify("WATCHDOG=1") can use WatchdogSec=, else a timer can run the check and restart the unit';
  }
  return `${probe.kind}: no equivalent (systemd knows a unit is started, not healthy)`;
}

const LOG_KEYS: [keyof LogSpec, string][] = [
  ['merge', 'merge'],
  ['timestamps', 'timestamps'],
  ['format', 'format'],
  ['maxSizeBytes', 'max_size'],
  ['maxFiles', 'max_files'],
  ['compress', 'compress'],
];

/** out_file/err_file are appended to; the rest of logs: is the journal's business. */
function addLogs(spec: AppSpec, out: UnitBuilder): void {
  const { outFile, errFile } = spec.logs;
  if (outFile) out.service.push(`StandardOutput=append:${escapeText(outFile)}`);
  if (errFile) out.service.push(`StandardError=append:${escapeText(errFile)}`);
  for (const [key, name] of LOG_KEYS) {
    if (spec.logs[key] !== DEFAULT_LOGS[key]) {
      out.report(
        `logs.${name}`,
        'no equivalent: output goes to the journal (journalctl -u), which has its own settings',
      );
    }
  }
}

export function reportUnmappedKeys(spec: AppSpec, out: UnitBuilder): void {
  spec.health.forEach((probe, index) => {
    out.report(`health${spec.health.length > 1 ? `[${index}]` : ''}`, probeAdvice(probe));
  });
  addLogs(spec, out);
  if (spec.pool) {
    out.report('pool', `no autoscaling: ${spec.instances} instances (min_size); enable more units by hand`);
  }
  // alerting: true with no webhook or command means the event log only: nothing to carry.
  if (spec.monitoring.alerting?.webhook || spec.monitoring.alerting?.command) {
    out.report('monitoring.alerting', 'no equivalent: OnFailure= can start a unit that sends the alert');
  }
  if (spec.watch) {
    out.report(
      'watch',
      'no equivalent: a .path unit (PathChanged=) can start a oneshot running `systemctl restart`',
    );
  }
  if (spec.waitReady) {
    out.report(
      'wait_ready',
      'no equivalent of PM_READY_FD: an app that notifies through NOTIFY_SOCKET (sd_notify READY=1) can use Type=notify',
    );
  }
  if (spec.listenTimeoutMs !== undefined && spec.listenTimeoutMs !== DEFAULT_LISTEN_TIMEOUT_MS) {
    out.report(
      'listen_timeout',
      `no reload with a replacement: with Type=notify, TimeoutStartSec=${formatMs(spec.listenTimeoutMs)}`,
    );
  }
}
