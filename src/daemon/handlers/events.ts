// `pm events`: the recent lifecycle events, then (with follow) new ones as they happen.
import type { RequestOf, StreamEventOf } from '../../protocol/messages.js';
import type { DaemonContext } from '../context.js';
import type { StreamWriter } from '../stream-writer.js';

export async function events(
  request: RequestOf<'events'>,
  ctx: DaemonContext,
  stream: StreamWriter<StreamEventOf['events']>,
): Promise<void> {
  // Reading the backlog and subscribing happen in one synchronous step: no event falls between.
  for (const event of ctx.events.read(request.lines, request.sinceMs)) stream.send(event);
  if (!request.follow) return;
  const unsubscribe = ctx.events.subscribe((event) => stream.send(event));
  await stream.closed;
  unsubscribe();
}
