// start, stop, restart, delete, pause, resume, scale and apply: each a call on the pool.
import type { RequestOf, ResponseOf } from '../../protocol/messages.js';
import type { DaemonContext } from '../context.js';

type Reply<K extends keyof ResponseOf> = Promise<ResponseOf[K]>;

// The settings first: a port that cannot be served refuses the whole request, as a bad file does.
export const apply = async (r: RequestOf<'apply'>, ctx: DaemonContext): Reply<'apply'> => {
  if (r.settings) await ctx.settings.apply(r.settings);
  return ctx.pool.apply(r.apps);
};
export const start = (r: RequestOf<'start'>, ctx: DaemonContext): Reply<'start'> => ctx.pool.start(r.target);
export const stop = (r: RequestOf<'stop'>, ctx: DaemonContext): Reply<'stop'> => ctx.pool.stop(r.target);
export const restart = (r: RequestOf<'restart'>, ctx: DaemonContext): Reply<'restart'> =>
  ctx.pool.restart(r.target);
export const remove = (r: RequestOf<'delete'>, ctx: DaemonContext): Reply<'delete'> =>
  ctx.pool.delete(r.target);
export const pause = (r: RequestOf<'pause'>, ctx: DaemonContext): Reply<'pause'> => ctx.pool.pause(r.target);
export const resume = (r: RequestOf<'resume'>, ctx: DaemonContext): Reply<'resume'> =>
  ctx.pool.resume(r.target);
export const scale = (r: RequestOf<'scale'>, ctx: DaemonContext): Reply<'scale'> =>
  ctx.pool.scale(r.name, r.change);
