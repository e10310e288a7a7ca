// The daemon's only socket code: accept, decode frames, check the handshake, dispatch, reply.
// A bad frame gets an error reply (or, for an oversize one, a closed connection); the daemon goes on.
import net from 'node:net';
import { packageVersion } from '../installed-package.js';
import { PmError, toWireError } from '../protocol/errors.js';
import { encodeFrame, FrameDecoder } from '../protocol/framing.js';
import type { ReplyFrame, RequestFrame, StreamType } from '../protocol/messages.js';
import { frameId, validateRequestFrame } from '../protocol/validate-request.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';
import type { DaemonContext } from './context.js';
import {
  type HandledType,
  type Handler,
  handlers,
  type StreamHandler,
  streamHandlers,
} from './handlers/index.js';
import { idleCollector } from './idle-gc.js';
import { createStreamWriter } from './stream-writer.js';

function send(socket: net.Socket, reply: ReplyFrame): void {
  if (!socket.destroyed && socket.writable) socket.write(encodeFrame(reply));
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

function serveConnection(socket: net.Socket, ctx: DaemonContext): void {
  const decoder = new FrameDecoder();
  let greeted = false;
  const fail = (id: number | null, error: unknown) =>
    send(socket, { id, ok: false, error: toWireError(error) });

  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk) => {
    for (const decoded of decoder.push(chunk)) {
      if (!decoded.ok) {
        const message = decoded.error === 'oversize' ? 'frame larger than 1 MiB' : 'malformed JSON frame';
        fail(null, new PmError('bad-request', message));
        if (decoded.error === 'oversize') socket.end();
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
        greeted = true;
        send(socket, {
          id: frame.id,
          ok: true,
          data: { protocolVersion: PROTOCOL_VERSION, daemonVersion: packageVersion() },
        });
        continue;
      }
      if (!greeted) {
        fail(frame.id, new PmError('bad-request', 'send hello with the protocol version first'));
        continue;
      }
      if (isStream(frame.type)) {
        dispatchStream(frame, ctx, socket).catch((error) => fail(frame.id, error));
        continue;
      }
      dispatch(frame, ctx).then(
        (data) => send(socket, { id: frame.id, ok: true, data }),
        (error) => fail(frame.id, error),
      );
    }
  });
}

function versionMismatch(clientVersion: number): PmError {
  return new PmError(
    'version-mismatch',
    `the running daemon speaks protocol ${PROTOCOL_VERSION}, this CLI ${clientVersion}: run \`pm update\` to restart it in place`,
  );
}

export function createServer(ctx: DaemonContext): net.Server {
  const afterActivity = idleCollector();
  return net.createServer((socket) => {
    socket.once('close', afterActivity);
    serveConnection(socket, ctx);
  });
}
