// Keeps the daemon's connections within their limits (limits.ts). At the cap a new connection
// makes room by closing the oldest one that never said hello, else the oldest idle one, so a CLI
// gets in while any connection is idle; a half frame or an idle connection is closed when its
// time is up; every close says why in one error frame first.
import type net from 'node:net';
import { PmError, toWireError } from '../../protocol/errors.js';
import { encodeFrame } from '../../protocol/framing.js';
import { type Connection, ConnectionTable, type Expiry } from './connection-table.js';
import { InputBudget } from './input-budget.js';
import { type ConnectionLimits, describeMs } from './limits.js';

/** A refused client has this long to read why before the connection is closed under it. */
const REFUSED_GRACE_MS = 1000;

/** The same trouble is logged once a minute: a flood of 20,000 connections is one line. */
const LOG_EVERY_MS = 60_000;

function sendError(socket: net.Socket, error: PmError): void {
  if (!socket.destroyed && socket.writable)
    socket.write(encodeFrame({ id: null, ok: false, error: toWireError(error) }));
}

export type GuardedConnection = Connection<net.Socket>;

export class ConnectionGuard {
  readonly budget: InputBudget;
  private readonly table = new ConnectionTable<net.Socket>();
  private sweeper: NodeJS.Timeout | null = null;
  private readonly loggedAt = new Map<string, number>();

  constructor(
    private readonly limits: ConnectionLimits,
    private readonly now: () => number = Date.now,
    private readonly log: (message: string) => void = (message) =>
      process.stderr.write(`${new Date().toISOString()} ${message}\n`),
  ) {
    this.budget = new InputBudget(limits.unfinishedInputBytes);
  }

  /** Registers a new connection, making room first; null when every connection is busy and it was refused. */
  admit(socket: net.Socket): GuardedConnection | null {
    if (this.table.size >= this.limits.maxConnections && !this.makeRoom()) {
      // Read on (a CLI sends a few hundred bytes), so that its closing frees the descriptor at once.
      socket.resume();
      this.refuse(
        socket,
        new PmError(
          'limit',
          `the daemon serves its maximum of ${this.limits.maxConnections} connections, all busy: try again when one ends (PM_MAX_CONNECTIONS sets the maximum)`,
        ),
      );
      return null;
    }
    const connection = this.table.add(socket, this.now());
    socket.once('close', () => this.forget(connection));
    this.sweeper ??= setInterval(() => this.sweep(), this.sweepEveryMs()).unref();
    return connection;
  }

  /**
   * Refuses the frame a connection is sending (too large, over the budget), and the connection. A
   * client of ours (it said hello) may still be writing that frame: it gets a half-close and reads
   * why, and nothing more is read from it meanwhile. One that never said hello is no client of
   * ours: it is closed at once, before another chunk of what it sends is read (500 of them, each
   * sending 1 MiB, would otherwise have the daemon read tens of MB it then drops).
   */
  refuseFrame(connection: GuardedConnection, error: PmError): void {
    if (!connection.greeted) {
      this.close(connection, error);
      return;
    }
    connection.handle.pause();
    this.refuse(connection.handle, error);
  }

  budgetError(): PmError {
    const mib = Math.round((this.budget.maxBytes / 1024 / 1024) * 10) / 10;
    return new PmError(
      'limit',
      `the daemon holds its maximum of ${mib} MiB of unfinished requests across all connections: try again (PM_MAX_UNFINISHED_INPUT sets it)`,
    );
  }

  /** Logs a daemon-side limit being hit, at most once a minute for each kind. */
  report(kind: string, message: string): void {
    const now = this.now();
    if (now - (this.loggedAt.get(kind) ?? -Infinity) < LOG_EVERY_MS) return;
    this.loggedAt.set(kind, now);
    this.log(message);
  }

  /** Says why and half-closes: a client that is still writing gets no EPIPE and reads the reason. */
  private refuse(socket: net.Socket, error: PmError): void {
    sendError(socket, error);
    socket.end();
    setTimeout(() => socket.destroy(), REFUSED_GRACE_MS).unref();
  }

  private makeRoom(): boolean {
    const victim = this.table.victim();
    if (!victim) return false;
    this.report(
      'max-connections',
      `connections: at the maximum of ${this.limits.maxConnections}, closing the oldest idle ones (those that never said hello first)`,
    );
    this.close(
      victim,
      new PmError(
        'limit',
        `closed: the daemon reached its maximum of ${this.limits.maxConnections} connections and this was the oldest idle one`,
      ),
    );
    return true;
  }

  /** Closes at once, so its descriptor is free now: the error frame is already in the socket's buffer. */
  private close(connection: GuardedConnection, error: PmError): void {
    this.forget(connection);
    sendError(connection.handle, error);
    connection.handle.destroy();
  }

  private forget(connection: GuardedConnection): void {
    this.table.delete(connection);
    if (this.table.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = null;
    }
  }

  private sweep(): void {
    for (const { connection, expiry } of this.table.expired(this.now(), this.limits)) {
      this.close(connection, new PmError('limit', this.expiryReason(expiry)));
    }
  }

  private expiryReason(expiry: Expiry): string {
    return expiry === 'frame-timeout'
      ? `closed: a frame was not finished within ${describeMs(this.limits.frameTimeoutMs)}`
      : `closed: nothing received for ${describeMs(this.limits.idleTimeoutMs)}`;
  }

  /** A quarter of the shorter timeout, so a connection goes at most 25 % late. */
  private sweepEveryMs(): number {
    return Math.min(1000, Math.max(20, Math.min(this.limits.frameTimeoutMs, this.limits.idleTimeoutMs) / 4));
  }
}
