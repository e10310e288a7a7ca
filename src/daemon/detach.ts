// `pm update`: on SIGUSR2 the daemon lets go of its apps instead of stopping them. It stops serving
// and every service last first (the pool's stop writes out every line it has read and saves the
// state), and exits; the apps keep running and writing into their pipes, and the next daemon
// adopts them: same pids, no line lost. A signal (not a request) so that a CLI of any protocol
// version can ask it.
import fs from 'node:fs';
import type { ServiceList } from './services.js';

export interface DetachParts {
  server: { close(): void };
  services: ServiceList;
  pidFile: string;
}

export async function detachDaemon(parts: DetachParts): Promise<void> {
  parts.server.close();
  await parts.services.stop('detach');
  // A new daemon may already have written its own pid here.
  try {
    if (fs.readFileSync(parts.pidFile, 'utf8').trim() === String(process.pid)) fs.rmSync(parts.pidFile);
  } catch {
    // no pid file: nothing to remove
  }
}
