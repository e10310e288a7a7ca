// `pm update`: on SIGUSR2 the daemon lets go of its apps instead of stopping them. It stops serving
// and probing, writes out every line it has read, saves the state and exits; the apps keep running
// and writing into their pipes, and the next daemon adopts them: same pids, no line lost. A signal
// (not a request) so that a CLI of any protocol version can ask it.
import fs from 'node:fs';
import type net from 'node:net';
import type { EventSink } from '../protocol/events.js';
import type { ProcessPool } from '../supervisor/process-pool.js';
import type { StateStore } from './state-store.js';

export interface DetachParts {
  server: net.Server;
  pool: ProcessPool;
  store: StateStore;
  events: EventSink;
  pidFile: string;
  /** Stops the daemon's own timers: monitor, probes, limits, alerts. */
  stopServices: () => void;
}

export async function detachDaemon(parts: DetachParts): Promise<void> {
  parts.server.close();
  parts.stopServices();
  const instances = await parts.pool.detach();
  parts.events.record({
    type: 'daemon-stopped',
    severity: 'info',
    message: `daemon ${process.pid} detached for an update; ${instances} instances keep running`,
    data: { pid: process.pid, instances, detached: true },
  });
  parts.store.writeNow();
  // A new daemon may already have written its own pid here.
  try {
    if (fs.readFileSync(parts.pidFile, 'utf8').trim() === String(process.pid)) fs.rmSync(parts.pidFile);
  } catch {
    // no pid file: nothing to remove
  }
}
