// `pm list`: every instance, as the pool sees it, and every app with its number of instances.
import type { RequestOf, ResponseOf } from '../../protocol/messages.js';
import type { DaemonContext } from '../context.js';

export const list = async (_r: RequestOf<'list'>, ctx: DaemonContext): Promise<ResponseOf['list']> =>
  ctx.pool.list();

export const apps = async (_r: RequestOf<'apps'>, ctx: DaemonContext): Promise<ResponseOf['apps']> => {
  const counts = new Map<string, number>();
  for (const p of ctx.pool.all()) counts.set(p.name, (counts.get(p.name) ?? 0) + 1);
  // Describing every app costs more than counting: only an app scaled to 0 is missing from the
  // instances, so only then.
  if (counts.size === ctx.pool.appCount) return [...counts].map(([name, instances]) => ({ name, instances }));
  return ctx.pool
    .describe({ kind: 'all' })
    .map((app) => ({ name: app.spec.name, instances: app.instances.length }));
};
