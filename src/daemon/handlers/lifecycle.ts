// `pm stop|restart|reload|delete|pause|resume <target>`: each a call on the pool.
import type { RequestOf, ResponseOf } from '../../protocol/messages.js';
import type { DaemonContext } from '../context.js';

type Reply<K extends keyof ResponseOf> = Promise<ResponseOf[K]>;

export const stop = (r: RequestOf<'stop'>, ctx: DaemonContext): Reply<'stop'> => ctx.pool.stop(r.target);
export const restart = (r: RequestOf<'restart'>, ctx: DaemonContext): Reply<'restart'> =>
  ctx.pool.restart(r.target);
export const reload = (r: RequestOf<'reload'>, ctx: DaemonContext): Reply<'reload'> =>
  ctx.pool.reload(r.target, { parallel: r.parallel });
export const remove = (r: RequestOf<'delete'>, ctx: DaemonContext): Reply<'delete'> =>
  ctx.pool.delete(r.target);
export const pause = (r: RequestOf<'pause'>, ctx: DaemonContext): Reply<'pause'> => ctx.pool.pause(r.target);
export const resume = (r: RequestOf<'resume'>, ctx: DaemonContext): Reply<'resume'> =>
  ctx.pool.resume(r.target);
