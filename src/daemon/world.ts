// The supervisor's world for real: the system clock, the process table (the daemon's backend) and
// signals, and forking with output into the instance's pipes. Unit tests pass a fake one instead (test/unit/supervisor/fake-world.ts).
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { ExitPace } from '../forker/exit-pace.js';
import type { ForkHelper, HelperFork } from '../forker/fork-helper.js';
import { ForkHelpers, readDirectMax } from '../forker/fork-helpers.js';
import { packageRoot } from '../installed-package.js';
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
import { planSpawn, type SpawnOptions, spawnInstance } from '../supervisor/spawn.js';
import { isTransient } from '../supervisor/spawn-errors.js';
import type {
  Child,
  ForkResult,
  InstanceTree,
  Output,
  ProcessTree,
  RunRequest,
  World,
} from '../supervisor/world.js';
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

interface ForkOptions extends Omit<SpawnOptions, 'stdoutFd' | 'stderrFd'> {
  output: Output;
  onReadyNotice: (() => void) | undefined;
}

function fork(
  home: string,
  { spec, index, id, output, onReadyNotice }: RunRequest,
  cgroup: InstanceCgroup | null,
  sockets: ListenSockets,
  helpers: ForkHelpers,
  exits: ExitPace,
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
  const run = nextRunId();
  const options: ForkOptions = {
    spec,
    index,
    id,
    home,
    run,
    // The run joins its cgroup before its program starts: no child of it can be born outside.
    ...(cgroup && { beforeExec: (pid: number) => cgroup.join(pid) }),
    listenFds,
    readyPipe: onReadyNotice !== undefined,
    output,
    onReadyNotice,
  };
  // Listening sockets are the daemon's to hand down: a run that takes some is the daemon's child.
  const helper = listenFds.length === 0 ? helpers.pick() : null;
  const result = helper ? forkThrough(helper, options) : forkHere(options, helpers, exits);
  return result.ok ? { ok: true, child: result.child, run } : result;
}

function forkHere(
  options: ForkOptions,
  helpers: ForkHelpers,
  exits: ExitPace,
): { ok: true; child: Child & { pid: number } } | { ok: false; message: string; transient: boolean } {
  let fds: { stdoutFd: number; stderrFd: number };
  try {
    fds = options.output.openChildFds();
  } catch (error) {
    return {
      ok: false,
      message: `cannot open output pipes: ${(error as Error).message}`,
      transient: isTransient(error),
    };
  }
  try {
    const result = spawnInstance({ ...options, ...fds });
    if (!result.ok) return result;
    const child = result.child as ChildProcess & { pid: number };
    if (options.onReadyNotice)
      awaitReadyLine(child.stdio[3 + (options.listenFds?.length ?? 0)] as Readable, options.onReadyNotice);
    helpers.countDirect(child);
    return { ok: true, child: pacedEnd(child, exits) };
  } finally {
    // The child has its own copies now.
    fs.closeSync(fds.stdoutFd);
    fs.closeSync(fds.stderrFd);
  }
}

/** The child as the supervisor sees it, its end told through the pace (see forker/exit-pace.ts). */
function pacedEnd(child: ChildProcess & { pid: number }, exits: ExitPace): Child & { pid: number } {
  const paced = Object.assign(new EventEmitter(), { pid: child.pid });
  child.on('spawn', () => paced.emit('spawn'));
  child.on('error', (error) => paced.emit('error', error));
  child.on('exit', (code, signal) => exits.add(child.pid, () => paced.emit('exit', code, signal)));
  return paced;
}

function forkThrough(helper: ForkHelper, options: ForkOptions): HelperFork {
  // Always gated: a run the helper forked but could not tell the daemon of ends at its closed gate.
  const planned = planSpawn(options, true);
  if (!planned.ok) return planned;
  const { pipe } = options.output.paths;
  return helper.fork({
    ...planned.plan,
    program: options.spec.run.file,
    out: pipe.out,
    err: pipe.err,
    readyPipe: options.readyPipe === true,
    ...(options.beforeExec && { beforeExec: options.beforeExec }),
    ...(options.onReadyNotice && { onReadyNotice: options.onReadyNotice }),
  });
}

/** The first line on the run's ready pipe says it is ready; the pipe is closed after it (or at exit). */
function awaitReadyLine(pipe: Readable, onReady: () => void): void {
  pipe.on('error', () => {});
  pipe.once('data', () => {
    pipe.destroy();
    onReady();
  });
}

/** Runs one fork helper forks at most: libuv's look at each of its children at every SIGCHLD
 * stays near two milliseconds (in the helper), and a helper costs 45 MB and 3 KB per run. */
const RUNS_PER_HELPER = 5000;

export function createWorld(home: string, events: EventSink, host: CgroupHost, backend: ProcBackend): World {
  const reaper = new TreeReaper(backend, { readTableAsync: () => backend.readTableAsync() });
  const sockets = new ListenSockets();
  const exitPoller = new ExitPoller((pids) => backend.readEntries(pids), backend.exitPollMs);
  const poller = new CgroupPoller();
  const cgroups = new Map<string, InstanceCgroup>();
  const counterFiles = new CounterFiles();
  const exits = new ExitPace();
  const helpers = new ForkHelpers({
    exits,
    entry: path.join(packageRoot(), 'dist/src/forker/main.js'),
    dir: home,
    directMax: readDirectMax(),
    perHelper: RUNS_PER_HELPER,
    orphaned: {
      startTime: (pid) => liveStartTimeIn(backend, pid),
      watchExit: (pid, start, onExit) => exitPoller.watch(pid, start, onExit),
    },
  });
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
    // A main process reaped and its end not told yet is signalled no more (see forker/exit-pace.ts).
    signal: (pids, signal) =>
      signalPids(
        [...pids].filter((pid) => !exits.reaped(Math.abs(pid))),
        signal,
      ),
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
    fork: (request) => fork(home, request, cgroupOf(request.spec.name, request.id), sockets, helpers, exits),
    listen: (spec) => sockets.bind(spec),
    unlisten: (name) => sockets.release(name),
  };
}
