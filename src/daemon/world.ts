// The supervisor's world for real: the system clock, the process table (the daemon's backend) and
// signals, and forking with output into the instance's pipes. Unit tests pass a fake one instead (test/unit/supervisor/fake-world.ts).
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import type { CgroupHost } from '../isolation/cgroup-host.js';
import { CgroupPoller, cgroupTree } from '../isolation/cgroup-tree.js';
import { CounterFiles } from '../isolation/counter-files.js';
import { InstanceCgroup } from '../isolation/instance-cgroup.js';
import { ExitPoller } from '../proc/exit-poller.js';
import { isPidAliveIn, liveStartTimeIn, type ProcBackend } from '../proc/proc-backend.js';
import { groupExists, signalPids } from '../proc/signal-pids.js';
import { staleRunPids } from '../proc/stale-run.js';
import { TreeReaper } from '../proc/tree-reaper.js';
import type { EventSink } from '../protocol/events.js';
import { isTransient, spawnInstance } from '../supervisor/spawn.js';
import type { ForkResult, InstanceTree, ProcessTree, RunRequest, World } from '../supervisor/world.js';
import { cgroupName } from './cgroup-service.js';
import { ListenSockets } from './listen-sockets.js';

let runs = 0;

function realPath(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file;
  }
}

/** Unique across daemons of a home: the daemon's pid and start, and a count. */
const nextRunId = (): string =>
  `${process.pid.toString(36)}.${STARTED.toString(36)}.${(runs++).toString(36)}`;
const STARTED = Date.now();

function fork(
  home: string,
  { spec, index, id, output, onReadyNotice }: RunRequest,
  cgroup: InstanceCgroup | null,
  sockets: ListenSockets,
): ForkResult {
  const listenFds = sockets.fdsOf(spec);
  if (!Array.isArray(listenFds)) {
    // A new daemon binds the ports again once the previous daemon's runs let go of them: retried.
    return { ok: false, message: `cannot listen for ${spec.name}: ${listenFds.missing}`, transient: true };
  }
  try {
    // Limits are set anew at every run: the definition may have changed since the last one.
    cgroup?.prepare(spec.limits);
  } catch (error) {
    return { ok: false, message: `cannot set up the cgroup: ${(error as Error).message}`, transient: false };
  }
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
    // The run joins its cgroup before its program starts: no child of it can be born outside.
    const beforeExec = cgroup ? (pid: number) => cgroup.join(pid) : undefined;
    const readyPipe = onReadyNotice !== undefined;
    const result = spawnInstance({ spec, index, id, home, run, ...fds, beforeExec, listenFds, readyPipe });
    if (!result.ok) return result;
    if (onReadyNotice) awaitReadyLine(result.child.stdio[3 + listenFds.length] as Readable, onReadyNotice);
    return { ok: true, child: Object.assign(result.child, { pid: result.child.pid! }), run };
  } finally {
    // The child has its own copies now.
    fs.closeSync(fds.stdoutFd);
    fs.closeSync(fds.stderrFd);
  }
}

/** The first line on the run's ready pipe says it is ready; the pipe is closed after it (or at exit). */
function awaitReadyLine(pipe: Readable, onReady: () => void): void {
  pipe.on('error', () => {});
  pipe.once('data', () => {
    pipe.destroy();
    onReady();
  });
}

export function createWorld(home: string, events: EventSink, host: CgroupHost, backend: ProcBackend): World {
  const reaper = new TreeReaper(backend, { readTableAsync: () => backend.readTableAsync() });
  const sockets = new ListenSockets();
  const exitPoller = new ExitPoller((pids) => backend.readEntries(pids), backend.exitPollMs);
  const poller = new CgroupPoller();
  const cgroups = new Map<string, InstanceCgroup>();
  const counterFiles = new CounterFiles();
  const cgroupOf = (name: string, id: number): InstanceCgroup | null => {
    if (host.mode === 'none') return null;
    const key = cgroupName(name, id);
    let cgroup = cgroups.get(key);
    if (!cgroup) {
      cgroup = new InstanceCgroup(host, key, counterFiles);
      cgroups.set(key, cgroup);
    }
    return cgroup;
  };
  const tree: ProcessTree = {
    outsideGroup: (pgid, tracked) => reaper.outsideGroup(pgid, tracked),
    waitGone: (pgid, tracked, mark, onStragglers) => reaper.waitGone(pgid, tracked, mark, onStragglers),
    signal: signalPids,
    groupExists,
    isAlive: (pid) => {
      try {
        return isPidAliveIn(backend, pid);
      } catch {
        return true; // cannot tell now: taken for alive, so that nothing of the run is forgotten
      }
    },
    startTime: (pid) => liveStartTimeIn(backend, pid),
    watchExit: (pid, startTime, onExit) => exitPoller.watch(pid, startTime, onExit),
    staleRunPids: (run, pipes) =>
      staleRunPids(
        // Descriptors name resolved paths (/private/tmp on macOS for /tmp).
        { ...run, pipes: pipes.map(realPath) },
        {
          readTable: () => backend.readTable(),
          readFdTargets: (pids) => backend.fdTargets(pids),
          selfPid: process.pid,
        },
      ),
  };
  // Without a cgroup, the kill timeout SIGKILLs the tree process by process (signalTree); a backend
  // that finds trees afresh at kill time adds its own walk.
  const killTrees = backend.killTrees?.bind(backend) ?? (() => {});
  const treeOf = ({ name, index, id }: { name: string; index: number; id: number }): InstanceTree => {
    const cgroup = cgroupOf(name, id);
    if (!cgroup)
      return {
        ...tree,
        freeze: () => false,
        killAll: (tracked) => killTrees(tracked),
        release: () => {},
        usage: () => null,
        members: () => null,
        breaches: () => null,
      };
    const onEscaped = (pids: number[]) =>
      events.record({
        type: 'isolation-breach',
        severity: 'alert',
        app: name,
        index,
        message: `${pids.length} process(es) of the run left its cgroup (${pids.join(' ')}); stopping them`,
        data: { kind: 'escaped', pids: pids.join(' ') },
      });
    return {
      ...cgroupTree({ cgroup, proc: tree, poller, onEscaped }),
      release: () => {
        cgroup.remove();
        cgroups.delete(cgroup.name);
      },
    };
  };
  return {
    clock: {
      now: Date.now,
      nextTurn: () => new Promise((resolve) => setImmediate(resolve)),
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    },
    tree,
    treeOf,
    events,
    fork: (request) => fork(home, request, cgroupOf(request.spec.name, request.id), sockets),
    listen: (spec) => sockets.bind(spec),
    unlisten: (name) => sockets.release(name),
  };
}
