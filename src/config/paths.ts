// The only place that knows where pm keeps its files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PmError } from '../protocol/errors.js';
import { quoteText } from '../protocol/escape-text.js';

/** What a Unix socket path can hold (sun_path, with its NUL): a longer one would be cut, and two
 * homes that share their first bytes would share a daemon. */
const MAX_SOCKET_PATH = 107;

export interface PmPaths {
  home: string;
  socket: string;
  /** proper-lockfile guards daemon start-up with this file. */
  startLock: string;
  pidFile: string;
  stateFile: string;
  logDir: string;
  /** Named pipes that carry each instance's stdout/stderr to the daemon. */
  pipeDir: string;
  daemonLog: string;
  /** Lifecycle events, one JSON object per line. */
  eventLog: string;
  /** `pm save` writes the app definitions here; `pm resurrect` reads them back. */
  dumpFile: string;
}

/** The home with every symlink resolved, once: a link flipped later cannot send us elsewhere. A
 * home that does not exist yet is resolved through its nearest existing directory. */
function realHome(home: string): string {
  try {
    return fs.realpathSync.native(home);
  } catch {
    const parent = path.dirname(home);
    return parent === home ? home : path.join(realHome(parent), path.basename(home));
  }
}

export function resolvePaths(env: NodeJS.ProcessEnv = process.env): PmPaths {
  const given = env.PM_HOME || path.join(os.homedir(), '.pm');
  if (!path.isAbsolute(given)) {
    throw new PmError(
      'bad-request',
      `PM_HOME must be an absolute path, not ${quoteText(given)}: a relative one would mean another daemon in every directory`,
    );
  }
  const home = realHome(path.resolve(given));
  const socket = path.join(home, 'daemon.sock');
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
    throw new PmError(
      'bad-request',
      `PM_HOME ${home} is too long: its socket path would take ${Buffer.byteLength(socket)} bytes, and a Unix socket path holds ${MAX_SOCKET_PATH}; choose a PM_HOME of at most ${MAX_SOCKET_PATH - 'daemon.sock'.length - 1} bytes`,
    );
  }
  return {
    home,
    socket,
    startLock: path.join(home, 'daemon.start'),
    pidFile: path.join(home, 'daemon.pid'),
    stateFile: path.join(home, 'state.json'),
    logDir: path.join(home, 'logs'),
    pipeDir: path.join(home, 'pipes'),
    daemonLog: path.join(home, 'daemon.log'),
    dumpFile: path.join(home, 'dump.yaml'),
    eventLog: path.join(home, 'events.log'),
  };
}

/** Log file of one instance's stream. */
export function instanceLogPath(paths: PmPaths, name: string, index: number, stream: 'out' | 'err'): string {
  return path.join(paths.logDir, `${name}-${index}.${stream}.log`);
}

/** Named pipe of one instance's stream, by the instance's id: a reload's replacement has the index
 * of the instance it replaces, and runs beside it. */
export function instancePipePath(paths: PmPaths, name: string, id: number, stream: 'out' | 'err'): string {
  return path.join(paths.pipeDir, `${name}-${id}.${stream}`);
}
