// One instance: applies the state machine and runs the effects it asks for (spawn, signals,
// timers). The only place that changes an instance's state.
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import type { InstanceOutput } from '../logs/instance-output.js';
import type { TreeUsage } from '../metrics/sample-usage.js';
import type { ExitPoller } from '../proc/exit-poller.js';
import { isPidAlive, readProcEntry } from '../proc/proc-table.js';
import { groupExists, signalPids } from '../proc/signal-pids.js';
import type { TreeReaper } from '../proc/tree-reaper.js';
import type { AppSpec } from '../protocol/app-spec.js';
import type { EventSink, PmEventInput } from '../protocol/events.js';
import type { ExitInfo, Health, ProcessInfo, RestartRecord } from '../protocol/process-info.js';
import {
  type Effect,
  type ErroredReason,
  type InstanceEvent,
  type InstanceState,
  next,
  pidOf,
} from './process-state.js';
import {
  decideRestart,
  describeExit,
  EMPTY_HISTORY,
  type RestartDecision,
  type RestartHistory,
  recordExit,
} from './restart-policy.js';
import type { SpawnOptions, SpawnResult } from './spawn.js';
import { transitionEvent } from './transition-events.js';

export interface InstanceDeps {
  events: EventSink;
  /** Starts a run; the daemon adds what only it knows (its home). */
  spawn: (options: Omit<SpawnOptions, 'home'>) => SpawnResult;
  reaper: TreeReaper;
  exitPoller: ExitPoller;
  now: () => number;
}

/** What survives a daemon restart: enough to adopt the running process or restore the state. */
export interface InstanceRecord {
  id: number;
  index: number;
  status: InstanceState['status'];
  pid: number | null;
  /** /proc start time of `pid`, so that a reused pid is never adopted. */
  pidStartTime: number | null;
  startedAt: number | null;
  restarts: number;
  lastExit: ExitInfo | null;
  /** A stop in progress: what was to follow it. */
  after?: 'stopped' | 'restart';
  /** Why an errored instance gave up, and when it retries. */
  errored?: { reason: ErroredReason; detail: string; retryAt: number | null };
}

const MAX_RECORDS = 20;

export class ManagedProcess extends EventEmitter<{ change: [ManagedProcess] }> {
  state: InstanceState = { status: 'stopped', lastExit: null };
  health: Health = 'unknown';
  restarts = 0;
  usage: { cpuPercent: number; memoryBytes: number } | null = null;
  private runs = 0;
  private history: RestartHistory = EMPTY_HISTORY;
  private records: RestartRecord[] = [];
  private child: ChildProcess | null = null;
  private pidStartTime: number | null = null;
  /** How the previous run ended, kept while a new run is up: `describe` and `list` show it. */
  private lastExit: ExitInfo | null = null;
  private stopWatchingAdopted: (() => void) | null = null;
  /** Every pid seen in the current run's tree, so that descendants that left the group are still found. */
  private readonly runTree = new Set<number>();
  private restartTimer: NodeJS.Timeout | null = null;
  private killTimer: NodeJS.Timeout | null = null;
  private readonly queue: InstanceEvent[] = [];
  private applying = false;

  constructor(
    readonly id: number,
    public spec: AppSpec,
    readonly index: number,
    readonly output: InstanceOutput,
    private readonly deps: InstanceDeps,
  ) {
    super();
  }

  get name(): string {
    return this.spec.name;
  }

  get pid(): number | null {
    return pidOf(this.state);
  }

  /** Queue an event; events raised while effects run are applied after them, in order. */
  apply(event: InstanceEvent): void {
    this.queue.push(event);
    if (this.applying) return;
    this.applying = true;
    try {
      for (let e = this.queue.shift(); e; e = this.queue.shift()) {
        const transition = next(this.state, e, { stopSignal: this.spec.stop.signal });
        const event = transitionEvent(this.state, transition.state, {
          app: this.name,
          index: this.index,
          id: this.id,
        });
        this.state = transition.state;
        if (event) this.deps.events.record(event);
        for (const effect of transition.effects) this.run(effect);
      }
    } finally {
      this.applying = false;
    }
    this.emit('change', this);
  }

  /** Take over a process started by an earlier daemon, if it is still the same process. */
  adopt(record: InstanceRecord): boolean {
    if (record.pid === null || record.pidStartTime === null) return false;
    const entry = readProcEntry(record.pid);
    if (!entry || entry.state === 'Z' || entry.startTime !== record.pidStartTime) return false;
    this.restarts = record.restarts;
    this.lastExit = record.lastExit;
    this.runs = 1;
    this.pidStartTime = entry.startTime;
    this.runTree.clear();
    this.runTree.add(record.pid);
    this.health = 'unknown';
    const pid = record.pid;
    this.stopWatchingAdopted = this.deps.exitPoller.watch(pid, entry.startTime, () =>
      this.onExit(pid, null, null),
    );
    this.apply({ type: 'adopted', pid, startedAt: record.startedAt ?? this.deps.now() });
    if (record.status === 'paused') this.apply({ type: 'pause' });
    if (record.status === 'stopping') this.apply({ type: record.after === 'restart' ? 'restart' : 'stop' });
    return true;
  }

  /** Restore a stopped or errored instance's last known facts after a daemon restart; an errored one keeps its retry. */
  restoreRecord(record: InstanceRecord): void {
    this.restarts = record.restarts;
    this.lastExit = record.lastExit;
    // A run that the previous daemon saw makes the next spawn a restart.
    this.runs = record.pid !== null || record.lastExit !== null ? 1 : 0;
    const errored = record.status === 'errored' ? record.errored : undefined;
    this.state = errored
      ? { status: 'errored', ...errored, lastExit: record.lastExit }
      : { status: 'stopped', lastExit: record.lastExit };
    if (errored?.retryAt != null) {
      this.run({ type: 'schedule-restart', delayMs: Math.max(0, errored.retryAt - this.deps.now()) });
    }
  }

  toRecord(): InstanceRecord {
    const state = this.state;
    return {
      id: this.id,
      index: this.index,
      status: state.status,
      pid: pidOf(state),
      pidStartTime: pidOf(state) === null ? null : this.pidStartTime,
      startedAt: 'startedAt' in state ? state.startedAt : null,
      restarts: this.restarts,
      lastExit: 'lastExit' in state ? state.lastExit : this.lastExit,
      ...(state.status === 'stopping' && { after: state.after }),
      ...(state.status === 'errored' && {
        errored: { reason: state.reason, detail: state.detail, retryAt: state.retryAt },
      }),
    };
  }

  info(): ProcessInfo {
    const state = this.state;
    const running = 'startedAt' in state;
    return {
      id: this.id,
      name: this.name,
      index: this.index,
      pid: pidOf(state),
      status: state.status,
      reason: state.status === 'errored' ? `${state.reason}: ${state.detail}` : '',
      health: running ? this.health : 'unknown',
      restarts: this.restarts,
      startedAt: running ? state.startedAt : null,
      cpuPercent: running && this.usage ? this.usage.cpuPercent : null,
      memoryBytes: running && this.usage ? this.usage.memoryBytes : null,
      lastExit: 'lastExit' in state ? state.lastExit : this.lastExit,
      restartAt:
        state.status === 'waiting-restart'
          ? state.restartAt
          : state.status === 'errored'
            ? state.retryAt
            : null,
      outLog: this.output.paths.log.out,
      errLog: this.output.paths.log.err,
    };
  }

  /** Pids known to be part of the current run's tree. */
  trackedPids(): ReadonlySet<number> {
    return this.runTree;
  }

  /** The latest tree sample; its pids are remembered so that a stop finds descendants that left the group. */
  recordUsage(sample: TreeUsage): void {
    this.usage = { cpuPercent: sample.cpuPercent, memoryBytes: sample.memoryBytes };
    for (const pid of sample.pids) this.runTree.add(pid);
  }

  /** A health verdict from the probes; a change is recorded as a `health-changed` event. */
  setHealth(health: Health, message: string, data: PmEventInput['data'] = {}): void {
    if (health === this.health) return;
    const from = this.health;
    this.health = health;
    this.deps.events.record({
      type: 'health-changed',
      severity: health === 'unhealthy' ? 'alert' : 'info',
      app: this.name,
      index: this.index,
      id: this.id,
      message,
      data: { ...data, from, to: health },
    });
    this.emit('change', this);
  }

  restartRecords(): RestartRecord[] {
    return [...this.records];
  }

  /** Reset the crash-loop count and the restart counter (`pm reset`). */
  resetCounters(): void {
    this.history = EMPTY_HISTORY;
    this.restarts = 0;
    this.runs = this.pid === null ? 0 : 1;
    this.records = [];
    this.emit('change', this);
  }

  private run(effect: Effect): void {
    switch (effect.type) {
      case 'spawn':
        this.spawn();
        return;
      case 'signal-tree':
        this.signalTree(effect.signal);
        if (effect.thaw) this.signalTree('SIGCONT');
        return;
      case 'schedule-kill':
        this.clearTimer('killTimer');
        this.killTimer = setTimeout(() => this.apply({ type: 'kill-timeout' }), this.spec.stop.killTimeoutMs);
        return;
      case 'kill-tree':
        this.signalTree('SIGKILL');
        return;
      case 'schedule-restart':
        this.clearTimer('restartTimer');
        this.restartTimer = setTimeout(() => this.apply({ type: 'restart-due' }), effect.delayMs);
        return;
      case 'cancel-timer':
        this.clearTimer('restartTimer');
        this.clearTimer('killTimer');
        return;
      case 'freeze':
        this.signalTree('SIGSTOP');
        return;
      case 'thaw':
        this.signalTree('SIGCONT');
        return;
      case 'clear-history':
        this.history = EMPTY_HISTORY;
        return;
    }
  }

  private clearTimer(which: 'restartTimer' | 'killTimer'): void {
    const timer = this[which];
    if (timer) clearTimeout(timer);
    this[which] = null;
  }

  private spawn(): void {
    this.clearTimer('restartTimer');
    let fds: { stdoutFd: number; stderrFd: number };
    try {
      fds = this.output.openChildFds();
    } catch (error) {
      this.apply({ type: 'spawn-failed', message: `cannot open output pipes: ${(error as Error).message}` });
      return;
    }
    const result = this.deps.spawn({ spec: this.spec, index: this.index, id: this.id, ...fds });
    fs.closeSync(fds.stdoutFd);
    fs.closeSync(fds.stderrFd);
    if (!result.ok) {
      this.apply({ type: 'spawn-failed', message: result.message });
      return;
    }
    const child = result.child;
    const pid = child.pid!;
    if (this.runs > 0) this.restarts += 1;
    this.runs += 1;
    this.child = child;
    this.health = 'unknown';
    this.usage = null;
    this.runTree.clear();
    this.runTree.add(pid);
    this.pidStartTime = readProcEntry(pid)?.startTime ?? null;
    child.once('spawn', () => {
      if (this.child === child) this.apply({ type: 'ready' });
    });
    // On Linux a failed exec comes back from spawn() without a pid (handled above); a later 'error'
    // (a failed child.kill) says nothing about the run, which the 'exit' event reports.
    child.on('error', () => {});
    child.once('exit', (code, signal) => {
      if (this.child === child) this.onExit(pid, code, signal);
    });
    this.apply({ type: 'spawned', pid, at: this.deps.now() });
  }

  private signalTree(signal: NodeJS.Signals): void {
    const pid = this.pid;
    if (pid === null) return;
    // Scan before signalling: a main process that exits on the signal orphans its descendants,
    // and a scan after that would no longer find the ones that left the group.
    const tree = this.deps.reaper.liveTree(pid, this.runTree);
    signalPids([-pid], signal);
    signalPids(tree, signal);
  }

  /** The main process is gone: once the rest of its tree is gone too, the run has ended. */
  private onExit(pid: number, code: number | null, signal: NodeJS.Signals | null): void {
    this.child = null;
    this.stopWatchingAdopted?.();
    this.stopWatchingAdopted = null;
    const state = this.state;
    const now = this.deps.now();
    const exit: ExitInfo = {
      code,
      signal,
      at: now,
      uptimeMs: 'startedAt' in state ? now - state.startedAt : 0,
    };
    // Leftovers of a crashed run (children of a shell, workers) must not outlive it. Most runs leave
    // none: then the /proc scan of signalTree stays off the crash → restart path.
    if (state.status !== 'stopping' && this.hasLeftovers(pid)) {
      this.signalTree(this.spec.stop.signal);
      // A frozen leftover acts on the signal only once continued.
      if (state.status === 'paused') this.signalTree('SIGCONT');
      this.killTimer = setTimeout(() => this.signalTree('SIGKILL'), this.spec.stop.killTimeoutMs);
    }
    this.deps.reaper.waitGone(pid, this.runTree).then(() => this.onRunEnded(exit));
  }

  private hasLeftovers(pid: number): boolean {
    return groupExists(pid) || [...this.runTree].some((p) => p !== pid && isPidAlive(p));
  }

  private onRunEnded(exit: ExitInfo): void {
    this.clearTimer('killTimer');
    this.lastExit = exit;
    if (this.state.status === 'stopping') {
      this.apply({ type: 'exited', exit, decision: { action: 'stop', reason: 'stopped' } });
      return;
    }
    // A paused instance is never restarted: the user froze it, and a new run would not be frozen.
    const decision: RestartDecision =
      this.state.status === 'paused'
        ? { action: 'stop', reason: 'exited while paused' }
        : decideRestart(exit, this.history, this.spec.recovery);
    this.history = recordExit(this.history, exit, decision, this.spec.recovery);
    const outcome =
      decision.action === 'restart'
        ? `restart in ${decision.delayMs} ms`
        : decision.action === 'stop'
          ? decision.reason
          : `${decision.reason}: ${decision.detail}`;
    this.records = [
      ...this.records,
      { at: exit.at, exit, reason: `${describeExit(exit)}; ${outcome}` },
    ].slice(-MAX_RECORDS);
    this.apply({ type: 'exited', exit, decision });
  }
}
