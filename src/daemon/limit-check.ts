// Limits the host cannot enforce (no cgroup, or one without the controller; descriptors that
// cannot be counted, without /proc and without lsof) are refused at apply, before anything is
// defined, unless the app says `best_effort`: then they are reported instead.
import { type CgroupHost, describeHost } from '../isolation/cgroup-host.js';
import { unenforceable } from '../isolation/instance-cgroup.js';
import type { AppSpec, LimitsSpec } from '../protocol/app-spec.js';
import { PmError } from '../protocol/errors.js';
import type { EventSink } from '../protocol/events.js';

export interface LimitHost {
  cgroups: CgroupHost;
  /** Whether the process backend can count a tree's open descriptors (asked only of an app with
   * limits.max_fds: without /proc, it runs lsof once). */
  countsFds: () => boolean;
}

/** The limits of an app this host cannot enforce, and why. */
export function notEnforced(host: LimitHost, limits: LimitsSpec): { keys: string[]; why: string } {
  const cgroupKeys = unenforceable(host.cgroups, limits);
  const fds = limits.maxFds !== undefined && !host.countsFds();
  const keys = [...cgroupKeys, ...(fds ? ['max_fds'] : [])].map((key) => `limits.${key}`);
  const why = [
    ...(cgroupKeys.length > 0 ? [describeHost(host.cgroups)] : []),
    ...(fds ? ['no /proc and no lsof to count open descriptors'] : []),
  ];
  return { keys, why: why.join('; ') };
}

export function checkLimits(
  host: LimitHost,
  apps: readonly AppSpec[],
  report: { events: EventSink; notify: (text: string) => void },
): void {
  const accepted: Array<{ app: string; keys: string[]; why: string }> = [];
  for (const spec of apps) {
    const { keys, why } = notEnforced(host, spec.limits);
    if (keys.length === 0) continue;
    if (!spec.limits.bestEffort) {
      throw new PmError(
        'bad-request',
        `app "${spec.name}": ${keys.join(', ')} cannot be enforced on this host (${why}); remove it, or set limits.best_effort: true to run without it`,
      );
    }
    accepted.push({ app: spec.name, keys, why });
  }
  for (const { app, keys, why } of accepted) {
    const message = `${keys.join(', ')} not enforced (best_effort): ${why}`;
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
