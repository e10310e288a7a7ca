// `pm scale <app> <N|+N|-N>` and `pm scale <app> --min N --max N`: calls on the pool. A pooled
// app's count stays within its bounds; new bounds bring the count within them at once.
import type { RequestOf, ResponseOf } from '../../protocol/messages.js';
import type { DaemonContext } from '../context.js';

export const scale = async (r: RequestOf<'scale'>, ctx: DaemonContext): Promise<ResponseOf['scale']> => {
  if (r.bounds) {
    const pool = ctx.pool.setPoolBounds(r.name, r.bounds);
    if (!r.change) {
      const count = ctx.pool.select({ kind: 'name', name: r.name }).length;
      const within = Math.min(pool.maxSize, Math.max(pool.minSize, count));
      const why = {
        message: `scaled ${r.name} ${count}→${within}: back within its new bounds ${pool.minSize}–${pool.maxSize}`,
        data: { reason: 'bounds', minSize: pool.minSize, maxSize: pool.maxSize },
      };
      return ctx.pool.scale(r.name, { mode: 'set', count: within }, { why });
    }
  }
  if (!r.change) return ctx.pool.select({ kind: 'name', name: r.name }).map((p) => p.info());
  return ctx.pool.scale(r.name, r.change, { withinBounds: true });
};
