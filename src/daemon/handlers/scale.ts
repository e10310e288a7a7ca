// `pm scale <app> <N|+N|-N>`: a call on the pool.
import type { RequestOf, ResponseOf } from '../../protocol/messages.js';
import type { DaemonContext } from '../context.js';

export const scale = (r: RequestOf<'scale'>, ctx: DaemonContext): Promise<ResponseOf['scale']> =>
  ctx.pool.scale(r.name, r.change);
