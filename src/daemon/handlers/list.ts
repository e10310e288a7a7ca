// `pm list`: every instance, as the pool sees it, and every app with its number of instances.
import type { PoolSpec } from '../../protocol/app-spec.js';
import type { RequestOf, ResponseOf } from '../../protocol/messages.js';
import type { DaemonContext } from '../context.js';

export const list = async (_r: RequestOf<'list'>, ctx: DaemonContext): Promise<ResponseOf['list']> =>
  ctx.pool.listInSlices();

const boundsOf = (pool: PoolSpec | undefined) =>
  pool && { pool: { minSize: pool.minSize, maxSize: pool.maxSize } };

export const apps = async (_r: RequestOf<'apps'>, ctx: DaemonContext): Promise<ResponseOf['apps']> => {
  const counts = new Map<string, { instances: number; pool?: PoolSpec }>();
  for (const p of ctx.pool.all()) {
    const app = counts.get(p.name);
    if (app) app.instances++;
    else counts.set(p.name, { instances: 1, pool: p.spec.pool });
  }
  // Describing every app costs more than counting: only an app scaled to 0 is missing from the
  // instances, so only then.
  if (counts.size === ctx.pool.appCount) {
    return [...counts].map(([name, { instances, pool }]) => ({ name, instances, ...boundsOf(pool) }));
  }
  return ctx.pool
    .describe({ kind: 'all' })
    .map((app) => ({ name: app.spec.name, instances: app.instances.length, ...boundsOf(app.spec.pool) }));
};
