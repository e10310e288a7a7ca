// `pm kill` and SIGTERM: stop taking connections, stop every service last first (the pool's stop
// stops every app and saves the state), then remove the socket and the pid file.
import fs from 'node:fs';
import type { PmPaths } from '../config/paths.js';
import type { ServiceList } from './services.js';

export interface ShutdownParts {
  server: { close(): void };
  services: ServiceList;
  paths: Pick<PmPaths, 'socket' | 'pidFile'>;
}

export async function shutdownDaemon(parts: ShutdownParts): Promise<void> {
  parts.server.close();
  await parts.services.stop('shutdown');
  fs.rmSync(parts.paths.socket, { force: true });
  fs.rmSync(parts.paths.pidFile, { force: true });
}
