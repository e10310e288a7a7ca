// The daemon's only socket code: accept, decode frames, check the handshake, dispatch, reply.
// A bad frame gets an error reply; a frame too large or over the input budget gets one and a
// closed connection; connections stay within their limits (connections/); the daemon goes on.
import net from 'node:net';
import { packageVersion } from '../installed-package.js';
import { PmError, toWireError } from '../protocol/errors.js';
import { encodeFrame, FrameDecoder, MAX_FRAME_BYTES } from '../protocol/framing.js';
import type { ReplyFrame, RequestFrame, StreamType } from '../protocol/messages.js';
import { frameId, validateRequestFrame } from '../protocol/validate-request.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';
import { ConnectionGuard, type GuardedConnection } from './connections/connection-guard.js';
import { type ConnectionLimits, readConnectionLimits } from './connections/limits.js';
import type { DaemonContext } from './context.js';
import { encodeReply } from './encode-reply.js';
import {
  type HandledType,
  type Handler,
  handlers,
  type StreamHandler,
  streamHandlers,
} from './handlers/index.js';
import { IdleCollector } from './idle-gc.js';
import { createStreamWriter } from './stream-writer.js';

function write(socket: net.Socket, line: string): void {
  if (!socket.destroyed && socket.writable) socket.write(line);
}

function send(socket: net.Socket, reply: ReplyFrame): void {
  write(socket, encodeFrame(reply));
}

function isStream(type: RequestFrame['type']): type is StreamType {
  return Object.hasOwn(streamHandlers, type);
}

async function dispatch(frame: RequestFrame, ctx: DaemonContext): Promise<unknown> {
  const handler = handlers[frame.type as HandledType] as Handler<HandledType>;
  return handler(frame as never, ctx);
}

async function dispatchStream(frame: RequestFrame, ctx: DaemonContext, socket: net.Socket): Promise<void> {
  const handler = streamHandlers[frame.type as StreamType] as StreamHandler<StreamType>;
  const stream = createStreamWriter(socket, frame.id);
  await handler(frame as never, ctx, stream);
  stream.end();
}

/** Answers one request; the connection counts as busy (never idle, never closed to make room) meanwhile,
 * and so does the daemon for its idle collection, except during a stream (which may last for hours). */
function serveRequest(
  frame: RequestFrame,
  ctx: DaemonContext,
  connection: GuardedConnection,
  collector: IdleCollector,
): void {
  const socket = connection.handle;
  const fail = (error: unknown) => send(socket, { id: frame.id, ok: false, error: toWireError(error) });
  connection.active += 1;
  const stream = isStream(frame.type);
  if (!stream) collector.begin();
  const served = stream
    ? dispatchStream(frame, ctx, socket).catch(fail)
    : dispatch(frame, ctx).then(async (data) => {
        // What a reply says has happened is in the state file before the reply leaves. A ping
        // reports the daemon, not its processes: it answers at once even while a write is slow.
        if (frame.type !== 'ping') await ctx.flushState();
        write(socket, await encodeReply(frame.id, data));
      }, fail);
  void served.finally(() => {
    connection.active -= 1;
    if (stream) collector.activity();
    else collector.end();
  });
}

function serveConnection(
  socket: net.Socket,
  ctx: DaemonContext,
  guard: ConnectionGuard,
  collector: IdleCollector,
): void {
  socket.on('error', () => socket.destroy());
  const connection = guard.admit(socket);
  if (!connection) return;
  const decoder = new FrameDecoder(MAX_FRAME_BYTES, guard.budget);
  let refused = false;
  const fail = (id: number | null, error: unknown) =>
    send(socket, { id, ok: false, error: toWireError(error) });

  socket.once('close', () => decoder.release());
  socket.on('data', (chunk) => {
    if (refused) return;
    const now = Date.now();
    connection.lastInputAt = now;
    const decodedFrames = decoder.push(chunk);
    // A frame that began in this chunk began now; one that goes on keeps its start.
    if (!decoder.inFrame) connection.frameSince = null;
    else if (decodedFrames.length > 0 || connection.frameSince === null) connection.frameSince = now;
    for (const decoded of decodedFrames) {
      if (!decoded.ok && decoded.error !== 'malformed') {
        refused = true;
        const error =
          decoded.error === 'oversize'
            ? new PmError('bad-request', `frame larger than ${MAX_FRAME_BYTES / 1024 / 1024} MiB`)
            : guard.budgetError();
        if (decoded.error === 'over-budget') guard.report('budget', `connections: ${error.message}`);
        guard.refuseFrame(connection, error);
        return;
      }
      if (!decoded.ok) {
        fail(null, new PmError('bad-request', 'malformed JSON frame'));
        continue;
      }
      let frame: RequestFrame;
      try {
        frame = validateRequestFrame(decoded.value);
      } catch (error) {
        fail(frameId(decoded.value), error);
        continue;
      }
      if (frame.type === 'hello') {
        if (frame.protocolVersion !== PROTOCOL_VERSION) {
          fail(frame.id, versionMismatch(frame.protocolVersion));
          continue;
        }
        connection.greeted = true;
        const notices = ctx.notices.take();
        send(socket, {
          id: frame.id,
          ok: true,
          data: {
            protocolVersion: PROTOCOL_VERSION,
            daemonVersion: packageVersion(),
            ...(notices.length > 0 && { notices }),
          },
        });
        continue;
      }
      if (!connection.greeted) {
        fail(frame.id, new PmError('bad-request', 'send hello with the protocol version first'));
        continue;
      }
      serveRequest(frame, ctx, connection, collector);
    }
  });
}

function versionMismatch(clientVersion: number): PmError {
  return new PmError(
    'version-mismatch',
    `the running daemon speaks protocol ${PROTOCOL_VERSION}, this CLI ${clientVersion}: run \`pm update\` to restart it in place`,
  );
}

export function createServer(
  ctx: DaemonContext,
  limits: ConnectionLimits = readConnectionLimits(),
): net.Server {
  const collector = new IdleCollector();
  const guard = new ConnectionGuard(limits);
  const server = net.createServer((socket) => {
    socket.once('close', () => collector.activity());
    serveConnection(socket, ctx, guard, collector);
  });
  // Out of descriptors at accept (EMFILE): libuv closes the waiting connections and the server
  // goes on listening. Without a listener the error would be thrown as uncaught.
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (server.listening) guard.report(`server-${error.code}`, `connections: ${error.message}`);
  });
  return server;
}
