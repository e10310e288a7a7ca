// A supervisor world without processes: a manual clock, a process table the test writes, signals
// that are recorded (and kill, unless a process ignores them), and forks that make fake children.
import { EventEmitter } from 'node:events';
import type { JournalEntry } from '../../../src/daemon/state-journal.js';
import type { PmEventInput } from '../../../src/protocol/events.js';
import type { PoolDeps } from '../../../src/supervisor/process-pool.js';
import type { Output, RunRequest, World } from '../../../src/supervisor/world.js';
import { specWithDefaults } from '../../helpers/app-spec.js';

/** An AppSpec with pm's defaults (see test/helpers/app-spec.ts). */
export const testSpec = specWithDefaults;

interface FakeProcess {
  pid: number;
  ppid: number;
  pgid: number;
  startTime: number;
  /** Stop signals it ignores (SIGKILL always kills). */
  ignores: Set<NodeJS.Signals>;
  frozen: boolean;
  /** A signal a frozen process acts on once continued. */
  pending: NodeJS.Signals | null;
  /** The PM_RUN in its environment. */
  run?: string;
  child?: FakeChild;
}

export class FakeChild extends EventEmitter {
  constructor(readonly pid: number) {
    super();
  }
}

interface Timer {
  at: number;
  seq: number;
  callback: () => void;
}

interface Waiter {
  pgid: number;
  tracked: Set<number>;
  run: string | null;
  onStragglers: (pids: number[]) => void;
  resolve: () => void;
}

/** Lets queued promise callbacks and fake child events run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

export class FakeWorld {
  now = 1_000_000;
  readonly events: PmEventInput[] = [];
  /** Every kill(2): the target (negative: a group) and the signal. */
  readonly signals: Array<[number, NodeJS.Signals]> = [];
  /** The signals each process received, through its group or by pid. */
  readonly received = new Map<number, NodeJS.Signals[]>();
  readonly forks: RunRequest[] = [];
  /** For each write-ahead persist: how many forks had happened before it. */
  readonly persisted: number[] = [];
  /** Each journal entry (persistRecords), and how many forks had happened before it. */
  readonly journal: Array<JournalEntry & { forks: number }> = [];
  /** Forks stay `starting` (no exec confirmation) until `confirm(pid)`. */
  holdSpawn = false;
  /** The next fork's failure, if it is to fail. */
  failNextFork: { message: string; transient: boolean } | null = null;
  private readonly procs = new Map<number, FakeProcess>();
  private readonly timers = new Map<number, Timer>();
  private readonly waiters = new Set<Waiter>();
  private readonly exitWatches = new Map<number, () => void>();
  private readonly readyNotices = new Map<number, () => void>();
  private nextPid = 1000;
  private seq = 0;
  /** Loop turns the supervisor waited for. */
  turns = 0;

  readonly world: World = {
    clock: {
      now: () => this.now,
      nextTurn: () => {
        this.turns++;
        return new Promise((resolve) => setImmediate(resolve));
      },
      setTimeout: (callback, ms) => {
        const seq = this.seq++;
        this.timers.set(seq, { at: this.now + ms, seq, callback });
        return seq;
      },
      clearTimeout: (handle) => {
        this.timers.delete(handle as number);
      },
    },
    tree: {
      outsideGroup: (pgid, tracked) => {
        const live = this.tree(pgid, tracked);
        tracked.clear();
        for (const pid of live) tracked.add(pid);
        return live.filter((pid) => this.procs.get(pid)!.pgid !== pgid);
      },
      waitGone: (pgid, tracked, mark, onStragglers) =>
        new Promise((resolve) => {
          this.waiters.add({ pgid, tracked, run: mark?.id ?? null, onStragglers, resolve });
          this.checkWaiters();
        }),
      signal: (pids, signal) => {
        for (const pid of pids) this.deliver(pid, signal);
      },
      groupExists: (pgid) => [...this.procs.values()].some((p) => p.pgid === pgid),
      isAlive: (pid) => this.procs.has(pid),
      startTime: (pid) => this.procs.get(pid)?.startTime ?? null,
      watchExit: (pid, _startTime, onExit) => {
        this.exitWatches.set(pid, onExit);
        return () => this.exitWatches.delete(pid);
      },
      // As the real one: a live process with the recorded pid and another start time is a stranger
      // whose group is not the run's.
      staleRunPids: (run) => {
        const leader = this.procs.get(run.pid);
        if (leader && leader.startTime !== run.pidStartTime) return [];
        return [...this.procs.values()].filter((p) => p.pgid === run.pid).map((p) => p.pid);
      },
    },
    // No cgroups: the tree is the process group and /proc, as on a host without them.
    treeOf: () => ({
      ...this.world.tree,
      freeze: () => false,
      killAll: () => {},
      release: () => {},
      usage: () => null,
      members: () => null,
      breaches: () => null,
    }),
    events: { record: (event) => this.events.push(event) },
    listen: async () => {},
    unlisten: () => {},
    fork: (request) => {
      this.forks.push(request);
      if (this.failNextFork !== null) {
        const failure = this.failNextFork;
        this.failNextFork = null;
        return { ok: false, ...failure };
      }
      const pid = this.nextPid++;
      const child = new FakeChild(pid);
      this.procs.set(pid, {
        pid,
        ppid: 1,
        pgid: pid,
        startTime: pid * 10,
        ignores: new Set(),
        frozen: false,
        pending: null,
        child,
      });
      if (request.onReadyNotice) this.readyNotices.set(pid, request.onReadyNotice);
      if (!this.holdSpawn) queueMicrotask(() => child.emit('spawn'));
      return { ok: true, child, run: `run-${pid}` };
    },
  };

  /** Pool dependencies over this world, with outputs that record what is done to them. */
  poolDeps(startWaitMs = 3_000): PoolDeps {
    return {
      ...this.world,
      createOutput: (spec, index, id) => fakeOutput(spec.name, index, id),
      preparePipes: () => {},
      makePipes: async () => {},
      persist: () => this.persisted.push(this.forks.length),
      persistRecords: async (app, records) => this.journal.push({ app, records, forks: this.forks.length }),
      startWaitMs,
    };
  }

  /** A process that is not our child (left by an earlier daemon, or a descendant of a run). */
  addProcess(options: { pid: number; pgid?: number; ppid?: number; startTime?: number; run?: string }): void {
    const { pid, pgid = pid, ppid = 1, startTime = pid * 10, run } = options;
    this.procs.set(pid, {
      pid,
      ppid,
      pgid,
      startTime,
      ignores: new Set(),
      frozen: false,
      pending: null,
      run,
    });
  }

  /** The run says it is ready, on the pipe its fork asked for. */
  notifyReady(pid: number): void {
    this.readyNotices.get(pid)!();
  }

  /** The exec of a held fork succeeded. */
  confirm(pid: number): void {
    this.procs.get(pid)?.child?.emit('spawn');
  }

  ignore(pid: number, ...signals: NodeJS.Signals[]): void {
    for (const signal of signals) this.procs.get(pid)!.ignores.add(signal);
  }

  isAlive(pid: number): boolean {
    return this.procs.has(pid);
  }

  isFrozen(pid: number): boolean {
    return this.procs.get(pid)?.frozen ?? false;
  }

  /** The process exits on its own with this code. */
  exit(pid: number, code: number): void {
    this.end(pid, code, null);
  }

  /** Moves the clock, firing due timers in order (timers they set fire too, if due). */
  async advance(ms: number): Promise<void> {
    const until = this.now + ms;
    for (;;) {
      await flush();
      const due = [...this.timers.values()]
        .filter((t) => t.at <= until)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers.delete(due.seq);
      this.now = due.at;
      due.callback();
    }
    this.now = until;
    await flush();
  }

  signalsTo(pid: number): NodeJS.Signals[] {
    return this.signals.filter(([p]) => p === pid || p === -pid).map(([, s]) => s);
  }

  eventTypes(): string[] {
    return this.events.map((e) => e.type);
  }

  private tree(pgid: number, roots: Iterable<number>): number[] {
    const found = new Set([...this.procs.values()].filter((p) => p.pgid === pgid).map((p) => p.pid));
    for (const root of roots) if (this.procs.has(root)) found.add(root);
    for (let grew = true; grew; ) {
      grew = false;
      for (const p of this.procs.values()) {
        if (!found.has(p.pid) && found.has(p.ppid)) {
          found.add(p.pid);
          grew = true;
        }
      }
    }
    return [...found];
  }

  private deliver(target: number, signal: NodeJS.Signals): void {
    this.signals.push([target, signal]);
    const procs =
      target < 0 ? [...this.procs.values()].filter((p) => p.pgid === -target) : [this.procs.get(target)];
    for (const proc of procs) {
      if (!proc) continue;
      this.received.set(proc.pid, [...(this.received.get(proc.pid) ?? []), signal]);
      if (signal === 'SIGSTOP') proc.frozen = true;
      else if (signal === 'SIGCONT') {
        proc.frozen = false;
        if (proc.pending) this.end(proc.pid, null, proc.pending);
      } else if (signal === 'SIGKILL') this.end(proc.pid, null, signal);
      else if (proc.ignores.has(signal)) continue;
      else if (proc.frozen) proc.pending = signal;
      else this.end(proc.pid, null, signal);
    }
  }

  private end(pid: number, code: number | null, signal: NodeJS.Signals | null): void {
    const proc = this.procs.get(pid);
    if (!proc) return;
    this.procs.delete(pid);
    if (proc.child) {
      const child = proc.child;
      queueMicrotask(() => child.emit('exit', code, signal));
    }
    const watch = this.exitWatches.get(pid);
    if (watch) queueMicrotask(watch);
    queueMicrotask(() => this.checkWaiters());
  }

  private checkWaiters(): void {
    for (const waiter of this.waiters) {
      if (this.tree(waiter.pgid, waiter.tracked).length > 0) continue;
      // As the real one: the run's mark finds what escaped its group and session.
      const stragglers = [...this.procs.values()].filter((p) => p.run !== undefined && p.run === waiter.run);
      if (stragglers.length > 0) {
        for (const p of stragglers) waiter.tracked.add(p.pid);
        waiter.onStragglers(stragglers.map((p) => p.pid));
        continue;
      }
      this.waiters.delete(waiter);
      waiter.resolve();
    }
  }
}

export interface FakeOutput extends Output {
  readonly calls: string[];
}

function fakeOutput(name: string, index: number, id: number): FakeOutput {
  const calls: string[] = [];
  const pipe = { out: `/pipes/${name}-${id}.out`, err: `/pipes/${name}-${id}.err` };
  return {
    calls,
    paths: { pipe, log: { out: `/logs/${name}-${index}.out.log`, err: `/logs/${name}-${index}.err.log` } },
    open: () => void calls.push('open'),
    configure: () => void calls.push('configure'),
    openChildFds: () => ({ stdoutFd: -1, stderrFd: -1 }),
    flush: () => [],
    drain: () => {},
    close: async () => void calls.push('close'),
    detach: async () => void calls.push('detach'),
  };
}
