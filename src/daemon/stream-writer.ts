// One streaming reply: `event` frames, then an `end` frame. A consumer that stops reading is cut
// off instead of growing the daemon's memory without bound.
import type net from 'node:net';
import { encodeFrame } from '../protocol/framing.js';

const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export interface StreamWriter<E> {
  send(event: E): void;
  /** Resolves when the client goes away (or is cut off). */
  readonly closed: Promise<void>;
  readonly isClosed: boolean;
}

export function createStreamWriter<E>(socket: net.Socket, id: number): StreamWriter<E> & { end(): void } {
  let isClosed = socket.destroyed;
  const closed = new Promise<void>((resolve) => {
    if (isClosed) resolve();
    socket.once('close', () => {
      isClosed = true;
      resolve();
    });
  });
  return {
    closed,
    get isClosed() {
      return isClosed;
    },
    send(event) {
      if (isClosed) return;
      if (socket.writableLength > MAX_BUFFERED_BYTES) {
        socket.destroy();
        return;
      }
      socket.write(encodeFrame({ id, event }));
    },
    end() {
      if (!isClosed && socket.writable) socket.write(encodeFrame({ id, end: true }));
    },
  };
}
