// One handler per request type; a request type without a handler does not compile. The files are
// named like cli/commands/, so a verb greps to both ends; `watch` keeps its own name (`pm top` sends it).
import type { RequestOf, ResponseOf, StreamEventOf, StreamType, UnaryType } from '../../protocol/messages.js';
import type { DaemonContext } from '../context.js';
import type { StreamWriter } from '../stream-writer.js';
import { kill, ping } from './daemon.js';
import { describe } from './describe.js';
import { events } from './events.js';
import { flush } from './flush.js';
import { pause, reload, remove, restart, resume, stop } from './lifecycle.js';
import { apps, list } from './list.js';
import { logs } from './logs.js';
import { metrics } from './metrics.js';
import { reset } from './reset.js';
import { scale } from './scale.js';
import { apply, start } from './start.js';
import { watch } from './watch.js';

export type HandledType = Exclude<UnaryType, 'hello'>;
export type Handler<K extends HandledType> = (
  request: RequestOf<K>,
  ctx: DaemonContext,
) => Promise<ResponseOf[K]>;

export const handlers: { [K in HandledType]: Handler<K> } = {
  apply,
  start,
  stop,
  restart,
  reload,
  delete: remove,
  pause,
  resume,
  reset,
  scale,
  list,
  apps,
  describe,
  ping,
  kill,
  flush,
  metrics,
};

export type StreamHandler<K extends StreamType> = (
  request: RequestOf<K>,
  ctx: DaemonContext,
  stream: StreamWriter<StreamEventOf[K]>,
) => Promise<void>;

export const streamHandlers: { [K in StreamType]: StreamHandler<K> } = {
  events,
  logs,
  watch,
};
