// One handler per request type; a request type without a handler does not compile.
import type { RequestOf, RequestType, ResponseOf } from '../../protocol/messages.js';
import type { DaemonContext } from '../context.js';
import { kill, ping } from './daemon.js';
import { apply, pause, remove, restart, resume, scale, start, stop } from './lifecycle.js';
import { describe, list } from './list.js';

export type HandledType = Exclude<RequestType, 'hello'>;
export type Handler<K extends HandledType> = (
  request: RequestOf<K>,
  ctx: DaemonContext,
) => Promise<ResponseOf[K]>;

export const handlers: { [K in HandledType]: Handler<K> } = {
  apply,
  start,
  stop,
  restart,
  delete: remove,
  pause,
  resume,
  scale,
  list,
  describe,
  ping,
  kill,
};
