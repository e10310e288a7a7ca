// Every open connection with what the limits look at: whether it said hello, whether the daemon
// is answering it, when it last sent a byte, since when a frame is unfinished. Decides which one
// makes room when the daemon is full and which ones ran out of time; closing them is the caller's.
import type { ConnectionLimits } from './limits.js';

export interface Connection<H> {
  readonly handle: H;
  /** Completed a hello: a client of ours, not a stray connect. */
  greeted: boolean;
  /** Requests being answered and streams open: a connection that waits on the daemon is not idle. */
  active: number;
  lastInputAt: number;
  /** When the frame being received began; null between frames. */
  frameSince: number | null;
}

export type Expiry = 'frame-timeout' | 'idle';

export class ConnectionTable<H> {
  /** In the order they were opened: the first found is the oldest. */
  private readonly open = new Set<Connection<H>>();

  get size(): number {
    return this.open.size;
  }

  add(handle: H, now: number): Connection<H> {
    const connection = { handle, greeted: false, active: 0, lastInputAt: now, frameSince: null };
    this.open.add(connection);
    return connection;
  }

  delete(connection: Connection<H>): void {
    this.open.delete(connection);
  }

  /** The oldest connection that never said hello, else the oldest idle one; null when all are busy. */
  victim(): Connection<H> | null {
    let oldestIdle: Connection<H> | null = null;
    for (const connection of this.open) {
      if (connection.active > 0) continue;
      if (!connection.greeted) return connection;
      oldestIdle ??= connection;
    }
    return oldestIdle;
  }

  /** Connections whose frame or whose silence has lasted too long. */
  expired(
    now: number,
    limits: Pick<ConnectionLimits, 'frameTimeoutMs' | 'idleTimeoutMs'>,
  ): Array<{ connection: Connection<H>; expiry: Expiry }> {
    const expired: Array<{ connection: Connection<H>; expiry: Expiry }> = [];
    for (const connection of this.open) {
      if (connection.frameSince !== null && now - connection.frameSince > limits.frameTimeoutMs) {
        expired.push({ connection, expiry: 'frame-timeout' });
      } else if (connection.active === 0 && now - connection.lastInputAt > limits.idleTimeoutMs) {
        expired.push({ connection, expiry: 'idle' });
      }
    }
    return expired;
  }
}
