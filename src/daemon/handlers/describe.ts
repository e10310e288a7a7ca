// `pm describe <target>`: the selected apps, each instance with its latest usage figures.
import type { RequestOf, ResponseOf } from '../../protocol/messages.js';
import type { DaemonContext } from '../context.js';

export const describe = async (
  r: RequestOf<'describe'>,
  ctx: DaemonContext,
): Promise<ResponseOf['describe']> =>
  ctx.pool.describe(r.target).map((app) => ({
    ...app,
    instances: app.instances.map((p) => ({ ...p, usage: ctx.monitor.stats(p.id) })),
  }));
