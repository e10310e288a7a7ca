// Limits the host cannot enforce (no cgroup, or one without the controller) are refused at apply,
// before anything is defined, unless the app says `best_effort`: then they are reported instead.
import { type CgroupHost, describeHost } from '../isolation/cgroup-host.js';
import { unenforceable } from '../isolation/instance-cgroup.js';
import type { AppSpec } from '../protocol/app-spec.js';
import { PmError } from '../protocol/errors.js';
import type { EventSink } from '../protocol/events.js';

export function checkLimits(
  host: CgroupHost,
  apps: readonly AppSpec[],
  report: { events: EventSink; notify: (text: string) => void },
): void {
  const accepted: Array<{ app: string; keys: string[] }> = [];
  for (const spec of apps) {
    const keys = unenforceable(host, spec.limits).map((key) => `limits.${key}`);
    if (keys.length === 0) continue;
    if (!spec.limits.bestEffort) {
      throw new PmError(
        'bad-request',
        `app "${spec.name}": ${keys.join(', ')} cannot be enforced on this host (${describeHost(host)}); remove it, or set limits.best_effort: true to run without it`,
      );
    }
    accepted.push({ app: spec.name, keys });
  }
  for (const { app, keys } of accepted) {
    const message = `${keys.join(', ')} not enforced (best_effort): ${describeHost(host)}`;
    report.notify(`app "${app}": ${message}`);
    report.events.record({
      type: 'limit-not-enforced',
      severity: 'warning',
      app,
      message,
      data: { limits: keys.join(' ') },
    });
  }
}
