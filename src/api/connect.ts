// `connect()`: reach the daemon of a home, starting it under the start lock exactly as the CLI does.
import fs from 'node:fs';
import { DaemonClient } from '../cli/daemon-client.js';
import { checkHome } from '../config/home.js';
import { type PmPaths, resolvePaths } from '../config/paths.js';
import { PmClient } from './pm-client.js';

export interface ConnectOptions {
  /** The absolute directory of the daemon's socket, state and logs; default: PM_HOME, else ~/.pm. */
  home?: string;
}

// Every connection, as every CLI command: whoever can write to the home can put their own socket
// there and receive our requests (with the environment that `start` sends).
async function connectDaemon(paths: PmPaths): Promise<DaemonClient> {
  if (fs.existsSync(paths.home)) checkHome(paths.home);
  return DaemonClient.connect(paths, { autoStart: true });
}

export async function connect(options: ConnectOptions = {}): Promise<PmClient> {
  const env = options.home === undefined ? process.env : { ...process.env, PM_HOME: options.home };
  const paths = resolvePaths(env);
  const client = await connectDaemon(paths);
  return new PmClient(client, () => connectDaemon(paths), paths.home);
}
