// The only place that knows where pm keeps its files.
import os from 'node:os';
import path from 'node:path';

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

export function resolvePaths(env: NodeJS.ProcessEnv = process.env): PmPaths {
  const home = path.resolve(env.PM_HOME || path.join(os.homedir(), '.pm'));
  return {
    home,
    socket: path.join(home, 'daemon.sock'),
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

/** Named pipe of one instance's stream. */
export function instancePipePath(paths: PmPaths, name: string, index: number, stream: 'out' | 'err'): string {
  return path.join(paths.pipeDir, `${name}-${index}.${stream}`);
}
