// The apps' listen: sockets, bound by the daemon (bind and listen; it never accepts) and handed to
// every run. An app keeps its sockets while its addresses stay the same, so that a restart or a
// reload hands the new run the very socket the running instances serve: no connection is refused
// in between, and connections wait in the socket's backlog while no instance accepts.
import { type BoundListener, bindListeners } from '../listen/bind-listeners.js';
import { formatListen } from '../listen/listen-address.js';
import type { AppSpec, ListenAddress } from '../protocol/app-spec.js';

const keyOf = (listen: readonly ListenAddress[]) => listen.map(formatListen).join(' ');

export class ListenSockets {
  private readonly held = new Map<string, { key: string; bound: BoundListener[] }>();
  /** A bind in flight per app: a second caller waits for it instead of binding twice. */
  private readonly binding = new Map<string, Promise<void>>();
  /** Why the last bind of an app failed, for the runs that could not get their sockets. */
  private readonly failures = new Map<string, string>();
  /** Apps let go of while a bind was in flight: what that bind gets is closed, not kept. */
  private readonly cancelled = new Set<string>();

  /** Binds the app's sockets unless it holds them already; an app without listen: lets go of its own. */
  async bind(spec: Pick<AppSpec, 'name' | 'listen'>): Promise<void> {
    const listen = spec.listen ?? [];
    if (listen.length === 0) return this.release(spec.name);
    const key = keyOf(listen);
    for (let inFlight = this.binding.get(spec.name); inFlight; inFlight = this.binding.get(spec.name))
      await inFlight.catch(() => {});
    if (this.held.get(spec.name)?.key === key) return;
    const done = bindListeners(listen).then(
      (bound) => {
        if (this.cancelled.delete(spec.name)) {
          // The app was deleted (or lost its listen:) meanwhile: its ports must not stay taken.
          for (const socket of bound) socket.close();
          return;
        }
        // The old sockets close here; the runs that have them keep serving on their copies.
        this.closeHeld(spec.name);
        this.held.set(spec.name, { key, bound });
      },
      (error: Error) => {
        this.failures.set(spec.name, error.message);
        throw error;
      },
    );
    this.binding.set(spec.name, done);
    try {
      await done;
    } finally {
      this.binding.delete(spec.name);
      this.cancelled.delete(spec.name);
    }
  }

  /** The fds a new run of the app gets, or why it cannot have them yet. Sockets not bound (a new
   * daemon whose adopted runs still hold the ports) are bound again in the background meanwhile. */
  fdsOf(spec: Pick<AppSpec, 'name' | 'listen'>): number[] | { missing: string } {
    const listen = spec.listen ?? [];
    if (listen.length === 0) return [];
    const held = this.held.get(spec.name);
    if (held?.key === keyOf(listen)) return held.bound.map((socket) => socket.fd);
    if (!this.binding.has(spec.name)) this.bind(spec).catch(() => {});
    return { missing: this.failures.get(spec.name) ?? 'not bound yet' };
  }

  /** The app is gone or listens no more: its sockets close, and so will those of a bind in flight. */
  release(name: string): void {
    this.closeHeld(name);
    if (this.binding.has(name)) this.cancelled.add(name);
  }

  private closeHeld(name: string): void {
    for (const socket of this.held.get(name)?.bound ?? []) socket.close();
    this.held.delete(name);
    this.failures.delete(name);
  }
}
