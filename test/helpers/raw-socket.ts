// A raw socket client for sending the daemon bytes that the typed client never would.
import net from 'node:net';
import { PROTOCOL_VERSION } from '../../src/protocol/version.js';
import { waitFor } from './wait-for.js';

export class RawSocket {
  private buffer = '';
  private closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      this.buffer += chunk.toString('utf8');
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
    });
  }

  static connect(socketPath: string): Promise<RawSocket> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(socketPath);
      socket.once('connect', () => resolve(new RawSocket(socket)));
      socket.once('error', reject);
    });
  }

  /** Connects and says hello, as every client of ours starts. */
  static async greeted(socketPath: string): Promise<RawSocket> {
    const raw = await RawSocket.connect(socketPath);
    raw.send({ id: 1, type: 'hello', protocolVersion: PROTOCOL_VERSION });
    const reply = await raw.reply();
    if (!reply.ok) throw new Error(`the daemon refused the hello: ${reply.error?.message}`);
    return raw;
  }

  write(text: string | Buffer): void {
    this.socket.write(text);
  }

  /** Sends one frame: the value as JSON plus a newline. */
  send(value: unknown): void {
    this.socket.write(`${JSON.stringify(value)}\n`);
  }

  /** Waits for the next complete reply line and parses it. */
  async reply(): Promise<{
    id: number | null;
    ok: boolean;
    data?: unknown;
    error?: { code: string; message: string };
  }> {
    const line = await waitFor(
      () => {
        const newline = this.buffer.indexOf('\n');
        if (newline === -1) return null;
        const text = this.buffer.slice(0, newline);
        this.buffer = this.buffer.slice(newline + 1);
        return text;
      },
      { timeoutMs: 15_000, message: 'a reply line' },
    );
    return JSON.parse(line);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  waitClosed(): Promise<boolean> {
    return waitFor(() => this.closed, { timeoutMs: 15_000, message: 'the daemon to close the connection' });
  }

  destroy(): void {
    this.socket.destroy();
  }
}
