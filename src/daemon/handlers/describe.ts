// `pm describe <target>`: the selected apps, each instance with its latest usage figures.
import { describeHost } from '../../isolation/cgroup-host.js';
import type { RequestOf, ResponseOf } from '../../protocol/messages.js';
import type { DaemonContext } from '../context.js';
import { notEnforced } from '../limit-check.js';

export const describe = async (
  r: RequestOf<'describe'>,
  ctx: DaemonContext,
): Promise<ResponseOf['describe']> =>
  ctx.pool.describe(r.target).map((app) => ({
    ...app,
    isolation: {
      summary: describeHost(ctx.cgroups),
      exact: ctx.cgroups.mode !== 'none',
      notEnforced: notEnforced(ctx.limits, app.spec.limits).keys,
    },
    instances: app.instances.map((p) => ({ ...p, usage: ctx.monitor.stats(p.id) })),
    ...(app.spec.pool && {
      autoscale: ctx.autoscaler.info(app.spec.name) ?? {
        avgCpuPercent: null,
        lastDecision: null,
        scaling: false,
      },
    }),
    ...(app.spec.schedule && { schedule: ctx.scheduler.info(app.spec.name) ?? { nextAt: null, last: null } }),
  }));
