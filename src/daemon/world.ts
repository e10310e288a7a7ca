// The supervisor's world for real: the system clock, /proc and signals, and forking with output
// into the instance's pipes. Unit tests pass a fake one instead (test/unit/supervisor/fake-world.ts).
import fs from 'node:fs';
import { ExitPoller } from '../proc/exit-poller.js';
import { isPidAlive, liveStartTime } from '../proc/proc-table.js';
import { groupExists, signalPids } from '../proc/signal-pids.js';
import { staleRunPids } from '../proc/stale-run.js';
import { TreeReaper } from '../proc/tree-reaper.js';
import type { EventSink } from '../protocol/events.js';
import { isTransient, spawnInstance } from '../supervisor/spawn.js';
import type { ForkResult, RunRequest, World } from '../supervisor/world.js';

let runs = 0;

/** Unique across daemons of a home: the daemon's pid and start, and a count. */
const nextRunId = (): string =>
  `${process.pid.toString(36)}.${STARTED.toString(36)}.${(runs++).toString(36)}`;
const STARTED = Date.now();

function fork(home: string, { spec, index, id, output }: RunRequest): ForkResult {
  let fds: { stdoutFd: number; stderrFd: number };
  try {
    fds = output.openChildFds();
  } catch (error) {
    return {
      ok: false,
      message: `cannot open output pipes: ${(error as Error).message}`,
      transient: isTransient(error),
    };
  }
  try {
    const run = nextRunId();
    const result = spawnInstance({ spec, index, id, home, run, ...fds });
    return result.ok
      ? { ok: true, child: Object.assign(result.child, { pid: result.child.pid! }), run }
      : result;
  } finally {
    // The child has its own copies now.
    fs.closeSync(fds.stdoutFd);
    fs.closeSync(fds.stderrFd);
  }
}

export function createWorld(home: string, events: EventSink): World {
  const reaper = new TreeReaper();
  const exitPoller = new ExitPoller();
  return {
    clock: {
      now: Date.now,
      nextTurn: () => new Promise((resolve) => setImmediate(resolve)),
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    },
    tree: {
      outsideGroup: (pgid, tracked) => reaper.outsideGroup(pgid, tracked),
      waitGone: (pgid, tracked, mark, onStragglers) => reaper.waitGone(pgid, tracked, mark, onStragglers),
      signal: signalPids,
      groupExists,
      isAlive: isPidAlive,
      startTime: liveStartTime,
      watchExit: (pid, startTime, onExit) => exitPoller.watch(pid, startTime, onExit),
      staleRunPids: (run, pipes) => staleRunPids({ ...run, pipes }),
    },
    events,
    fork: (request) => fork(home, request),
  };
}
