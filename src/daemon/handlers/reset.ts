// `pm reset`: a call on the pool.
import type { RequestOf, ResponseOf } from '../../protocol/messages.js';
import type { DaemonContext } from '../context.js';

export const reset = (r: RequestOf<'reset'>, ctx: DaemonContext): Promise<ResponseOf['reset']> =>
  ctx.pool.reset(r.target);
