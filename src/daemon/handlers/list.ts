// `pm list`: every instance, as the pool sees it.
import type { RequestOf, ResponseOf } from '../../protocol/messages.js';
import type { DaemonContext } from '../context.js';

export const list = async (_r: RequestOf<'list'>, ctx: DaemonContext): Promise<ResponseOf['list']> =>
  ctx.pool.list();
