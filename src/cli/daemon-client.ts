// The CLI's side of the socket: connect (starting the daemon when none answers), greet with the
// protocol version, and send typed requests whose replies are matched by id.
import net from 'node:net';
import type { PmPaths } from '../config/paths.js';
import { fromWireError, PmError } from '../protocol/errors.js';
import { encodeFrame, FrameDecoder } from '../protocol/framing.js';
import type {
  HelloReply,
  ReplyFrame,
  RequestOf,
  RequestType,
  ResponseOf,
  StreamEventOf,
  StreamType,
  UnaryType,
} from '../protocol/messages.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';

type Pending = {
  resolve: (data: unknown) => void;
  reject: (error: Error) => void;
  /** Set for a stream request: called for each event frame until the end frame. */
  onEvent?: (event: unknown) => void;
};

const NO_DAEMON = new Set(['ENOENT', 'ECONNREFUSED']);

function connectSocket(socketPath: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** How long a full accept queue (EAGAIN: a flood of connections) is tried again before giving up. */
const BUSY_RETRY_MS = 3000;

async function connectRetryingBusy(socketPath: string): Promise<net.Socket> {
  const deadline = Date.now() + BUSY_RETRY_MS;
  for (let delayMs = 10; ; delayMs = Math.min(delayMs * 2, 200)) {
    try {
      return await connectSocket(socketPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN' || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

export class DaemonClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private socket!: net.Socket;
  private decoder!: FrameDecoder;
  private closedError: Error | null = null;
  /** Closed by the daemon while nothing waited on it (it closes idle ones): the next request reconnects. */
  private reopenable = false;
  private reopening: Promise<void> | null = null;
  private closedByUs = false;
  /** What the daemon had to tell the next command (a state file moved aside, processes swept). */
  readonly notices: string[] = [];

  private constructor(
    socket: net.Socket,
    private readonly socketPath: string,
  ) {
    this.attach(socket);
  }

  private attach(socket: net.Socket): void {
    this.socket = socket;
    this.decoder = new FrameDecoder(64 * 1024 * 1024);
    this.closedError = null;
    this.reopenable = false;
    // Events of a connection given up for a new one are not this client's any more.
    const current = () => socket === this.socket;
    socket.on('data', (chunk) => {
      if (!current()) return;
      for (const frame of this.decoder.push(chunk)) if (frame.ok) this.onReply(frame.value as ReplyFrame);
    });
    socket.on('error', (error) => {
      if (current()) this.failAll(new PmError('daemon-unavailable', `lost the daemon: ${error.message}`));
    });
    socket.on('close', () => {
      if (current()) this.failAll(new PmError('daemon-unavailable', 'the daemon closed the connection'));
    });
    // Pipelined: the daemon answers hello first and refuses the rest if the versions differ.
    this.send({ type: 'hello', protocolVersion: PROTOCOL_VERSION }).then(
      (reply) => this.notices.push(...((reply as HelloReply).notices ?? [])),
      () => {},
    );
  }

  /** Connects to the running daemon; starts one first when none is running and `autoStart` is set. */
  static async connect(paths: PmPaths, options: { autoStart: boolean }): Promise<DaemonClient> {
    try {
      return new DaemonClient(await connectRetryingBusy(paths.socket), paths.socket);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (!NO_DAEMON.has(code)) {
        throw new PmError('daemon-unavailable', `cannot reach the daemon at ${paths.socket}: ${code}`, {
          cause: error,
        });
      }
      if (!options.autoStart) throw new PmError('daemon-unavailable', 'no daemon is running');
    }
    const { launchDaemon } = await import('./launch-daemon.js');
    await launchDaemon(paths);
    return new DaemonClient(await connectSocket(paths.socket), paths.socket);
  }

  request<K extends UnaryType>(request: RequestOf<K>): Promise<ResponseOf[K]> {
    return this.send(request) as Promise<ResponseOf[K]>;
  }

  /** Calls onEvent for each item of a stream; resolves at its end (or when the connection closes). */
  stream<K extends StreamType>(
    request: RequestOf<K>,
    onEvent: (event: StreamEventOf[K]) => void,
  ): Promise<void> {
    return this.send(request, onEvent as (event: unknown) => void) as Promise<void>;
  }

  /** Every request has had its reply (or is given up): no need to wait for the daemon's side to close. */
  close(): void {
    this.closedByUs = true;
    this.socket.destroy();
  }

  private send(request: RequestOf<RequestType>, onEvent?: (event: unknown) => void): Promise<unknown> {
    if (this.closedError) {
      if (!this.reopenable) return Promise.reject(this.closedError);
      return this.reopen().then(() => this.send(request, onEvent));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, ...(onEvent && { onEvent }) });
      this.socket.write(encodeFrame({ ...request, id }));
    });
  }

  private onReply(reply: ReplyFrame): void {
    // An error for no request in particular: the daemon refused the connection or is closing it
    // (a limit), and says why; everything pending ends with that reason.
    if (reply.id === null) {
      if ('error' in reply) this.failAll(fromWireError(reply.error));
      return;
    }
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    if ('event' in reply) {
      pending.onEvent?.(reply.event);
      return;
    }
    this.pending.delete(reply.id);
    if ('end' in reply) {
      pending.resolve(undefined);
      return;
    }
    if (reply.ok) {
      pending.resolve(reply.data);
      return;
    }
    const error = fromWireError(reply.error);
    pending.reject(error);
    // A daemon of another protocol version refuses everything that follows the hello.
    if (error.code === 'version-mismatch') this.failAll(error);
  }

  /** A long-lived client (`pm top`'s control connection) outlives the daemon's idle timeout. */
  private reopen(): Promise<void> {
    this.reopening ??= connectRetryingBusy(this.socketPath).then(
      (socket) => {
        this.reopening = null;
        this.attach(socket);
      },
      (error: NodeJS.ErrnoException) => {
        this.reopening = null;
        throw new PmError(
          'daemon-unavailable',
          `cannot reach the daemon again: ${error.code ?? error.message}`,
          {
            cause: error,
          },
        );
      },
    );
    return this.reopening;
  }

  private failAll(error: Error): void {
    if (!this.closedError) {
      this.reopenable =
        this.pending.size === 0 &&
        !this.closedByUs &&
        !(error instanceof PmError && error.code === 'version-mismatch');
    }
    this.closedError ??= error;
    for (const pending of this.pending.values()) pending.reject(this.closedError);
    this.pending.clear();
  }
}
