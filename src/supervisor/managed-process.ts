// One instance: applies the state machine and runs the effects it asks for (fork, signals,
// timers) through the injected world. The only writer of an instance's state.
import { EventEmitter } from 'node:events';
import type { BreachCounters, CgroupUsage } from '../isolation/instance-cgroup.js';
import type { TreeUsage } from '../metrics/sample-usage.js';
import type { AppSpec } from '../protocol/app-spec.js';
import type { PmEventInput } from '../protocol/events.js';
import type {
  ExitInfo,
  Health,
  ProcessInfo,
  ProcessStatus,
  RestartRecord,
} from '../protocol/process-info.js';
import { type Effect, type InstanceEvent, type InstanceState, next, pidOf } from './process-state.js';
import { type InstanceRecord, planRestore, type RestoreOutcome } from './records.js';
import { RunHistory } from './run-history.js';
import type { Child, InstanceTree, Output, TimerHandle, World } from './world.js';

const ignore = (): void => {};

export class ManagedProcess extends EventEmitter<{ change: [ManagedProcess] }> {
  #state: InstanceState = { status: 'stopped', lastExit: null };
  health: Health = 'unknown';
  usage: { cpuPercent: number; memoryBytes: number } | null = null;
  /** Open file descriptors of the tree at the last count. */
  openFds: number | null = null;
  /** /proc start time of the current run's main process, so that a reused pid is never adopted. */
  pidStartTime: number | null = null;
  /** PM_RUN of the current run: the environment that marks its processes. */
  runId: string | null = null;
  /** Set before a start: the runs get a pipe to say they are ready on (`pm reload`'s replacements). */
  wantsReadyNotice = false;
  /** The current run said it is ready (a line on its ready pipe). */
  readyNoticed = false;
  /** Held back by the pool until its app's dependencies hold (set only while there is no process). */
  private hold: { status: 'waiting' | 'blocked'; reason: string } | null = null;
  private readonly runs = new RunHistory();
  private child: Child | null = null;
  /** How the previous run ended, kept while a new run is up: `describe` and `list` show it. */
  private previousExit: ExitInfo | null = null;
  /** How the current run's main process ended, while the rest of its tree is still going. */
  private mainExit: ExitInfo | null = null;
  private stopWatchingAdopted: (() => void) | null = null;
  /** Every pid seen in the current run's tree, so that descendants that left the group are still found. */
  private readonly runTree = new Set<number>();
  private readonly timers: { restart: TimerHandle | null; kill: TimerHandle | null } = {
    restart: null,
    kill: null,
  };
  /** Transient spawn failures in a row: the retry backs off from 500 ms to 30 s. */
  private transientFailures = 0;
  private readonly queue: InstanceEvent[] = [];
  private applying = false;
  private readonly tree: InstanceTree;

  constructor(
    readonly id: number,
    public spec: AppSpec,
    readonly index: number,
    readonly output: Output,
    private readonly world: World,
  ) {
    super();
    this.tree = world.treeOf({ name: spec.name, index, id });
  }

  get state(): InstanceState {
    return this.#state;
  }

  get restarts(): number {
    return this.runs.restarts;
  }

  get name(): string {
    return this.spec.name;
  }

  /** The state's status, or `waiting`/`blocked` while the pool holds the instance back. */
  get status(): ProcessStatus {
    return this.hold && this.pid === null ? this.hold.status : this.#state.status;
  }

  /** The pool holds the instance back (or, with null, lets it go); a change is shown at once. */
  setHold(hold: { status: 'waiting' | 'blocked'; reason: string } | null): void {
    if (hold?.reason === this.hold?.reason && hold?.status === this.hold?.status) return;
    this.hold = hold;
    this.emit('change', this);
  }

  get pid(): number | null {
    return pidOf(this.#state);
  }

  /** The exit of the last run that ended. */
  get lastExit(): ExitInfo | null {
    return 'lastExit' in this.#state ? this.#state.lastExit : this.previousExit;
  }

  /** Queue an event; events raised while effects run are applied after them, in order. */
  apply(event: InstanceEvent): void {
    this.queue.push(event);
    if (this.applying) return;
    this.applying = true;
    try {
      for (let e = this.queue.shift(); e; e = this.queue.shift()) {
        const transition = next(this.#state, e, { stopSignal: this.spec.stop.signal });
        this.#state = transition.state;
        if (transition.event) {
          this.world.events.record({ ...transition.event, app: this.name, index: this.index, id: this.id });
        }
        for (const effect of transition.effects) this.run(effect);
      }
    } finally {
      this.applying = false;
      // Even after an effect that threw: the state did change (the pool's kept record goes by this).
      this.emit('change', this);
    }
  }

  /** Bring back what an earlier daemon recorded: adopt its process if it is still the same one.
   * `holdStart`: a start the record asks for is left to the caller (its dependencies decide). */
  restore(record: InstanceRecord, holdStart = false): RestoreOutcome {
    const liveStartTime = record.pid === null ? null : this.tree.startTime(record.pid);
    const plan = planRestore(record, liveStartTime, this.world.clock.now());
    this.runs.restore(record.restarts, plan.runs);
    this.previousExit = record.lastExit;
    this.runId = record.runId ?? null;
    for (const event of plan.events) if (!(holdStart && event.type === 'start')) this.apply(event);
    return plan.outcome;
  }

  info(): ProcessInfo {
    const state = this.#state;
    const running = 'startedAt' in state;
    return {
      id: this.id,
      name: this.name,
      index: this.index,
      pid: pidOf(state),
      status: this.status,
      reason:
        this.hold && pidOf(state) === null
          ? this.hold.reason
          : state.status === 'errored'
            ? `${state.reason}: ${state.detail}`
            : '',
      health: running ? this.health : 'unknown',
      restarts: this.restarts,
      startedAt: running ? state.startedAt : null,
      cpuPercent: running && this.usage ? this.usage.cpuPercent : null,
      memoryBytes: running && this.usage ? this.usage.memoryBytes : null,
      openFds: running ? this.openFds : null,
      lastExit: this.lastExit,
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
    this.world.events.record({
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
    return this.runs.list();
  }

  /** The instance is gone for good (deleted, scaled away, the daemon stopped): its cgroup goes too. */
  release(): void {
    this.tree.release();
  }

  /** The cgroup's CPU time and memory, or null where the monitor reads /proc instead. */
  cgroupUsage(): CgroupUsage | null {
    return this.pid === null ? null : this.tree.usage();
  }

  recordOpenFds(count: number): void {
    this.openFds = count;
  }

  /** The run's processes: its cgroup's members, else the pids seen in its tree. */
  treePids(): Iterable<number> {
    return this.pid === null ? [] : (this.tree.members() ?? this.runTree);
  }

  breaches(): BreachCounters | null {
    return this.tree.breaches();
  }

  /** Reset the crash-loop count and the restart counter (`pm reset`). */
  resetCounters(): void {
    this.runs.reset(this.pid !== null);
    this.emit('change', this);
  }

  private run(effect: Effect): void {
    switch (effect.type) {
      case 'spawn':
        this.fork();
        return;
      case 'signal-tree':
        this.signalTree(effect.signal);
        if (effect.thaw) this.thaw();
        return;
      case 'schedule-kill':
        this.arm('kill', this.spec.stop.killTimeoutMs, { type: 'kill-timeout' });
        return;
      case 'kill-tree':
        // The cgroup at once where there is one, and the group and what left it as well: a run
        // adopted from a daemon without cgroups is not in its cgroup. A second SIGKILL is harmless.
        this.tree.killAll(this.runTree);
        this.signalTree('SIGKILL');
        return;
      case 'schedule-restart':
        this.arm('restart', effect.delayMs, { type: 'restart-due' });
        return;
      case 'cancel-timer':
        this.disarm('restart');
        this.disarm('kill');
        return;
      case 'freeze':
        if (!this.tree.freeze(true)) this.signalTree('SIGSTOP');
        return;
      case 'thaw':
        this.thaw();
        return;
      case 'clear-history':
        this.runs.clearCrashLoop();
        return;
      case 'watch-adopted':
        this.watchAdopted(effect.pid, effect.startTime);
        return;
      case 'end-leftovers':
        // Leftovers of a crashed run (children of a shell, workers) must not outlive it. Most runs
        // leave none: then the /proc scan of signalTree stays off the crash → restart path.
        if (!this.hasLeftovers()) return;
        this.signalTree(effect.signal);
        // The scan of signalTree left the live tree in runTree: what the run leaked.
        if (this.mainExit)
          this.mainExit.leakedProcesses = Math.max(this.mainExit.leakedProcesses ?? 0, this.runTree.size);
        if (effect.thaw) this.thaw();
        this.arm('kill', this.spec.stop.killTimeoutMs, { type: 'kill-timeout' });
        return;
      case 'await-run-end': {
        const exit = this.mainExit!;
        const mark =
          this.runId && this.pidStartTime !== null ? { id: this.runId, since: this.pidStartTime } : null;
        const stragglers = () => this.apply({ type: 'stragglers' });
        this.tree.waitGone(this.pid!, this.runTree, mark, stragglers).then(() => this.onRunEnded(exit));
        return;
      }
      case 'kill-stale-run':
        // The cgroup holds what is left of the run, wherever it went; a run of a daemon without
        // cgroups is found in /proc, never a stranger that reused its pid.
        this.tree.killAll(this.runTree);
        this.tree.signal(
          this.tree.staleRunPids(effect.run, Object.values(this.output.paths.pipe)),
          'SIGKILL',
        );
        return;
    }
  }

  private arm(timer: 'restart' | 'kill', ms: number, event: InstanceEvent): void {
    this.disarm(timer);
    this.timers[timer] = this.world.clock.setTimeout(() => {
      this.timers[timer] = null;
      this.apply(event);
    }, ms);
  }

  private disarm(timer: 'restart' | 'kill'): void {
    const handle = this.timers[timer];
    if (handle !== null) this.world.clock.clearTimeout(handle);
    this.timers[timer] = null;
  }

  private fork(): void {
    this.disarm('restart');
    let forked: Child | null = null;
    const onReadyNotice = () => {
      if (forked === null || this.child !== forked) return;
      this.readyNoticed = true;
      this.emit('change', this);
    };
    const result = this.world.fork({
      spec: this.spec,
      index: this.index,
      id: this.id,
      output: this.output,
      ...(this.wantsReadyNotice && { onReadyNotice }),
    });
    if (!result.ok) {
      const retry = result.transient ? { at: this.world.clock.now(), inMs: this.transientRetryMs() } : null;
      this.apply({ type: 'spawn-failed', message: result.message, retry });
      return;
    }
    this.transientFailures = 0;
    const { child, run } = result;
    forked = child;
    this.readyNoticed = false;
    const pid = child.pid;
    this.runId = run;
    this.runs.countRun();
    this.child = child;
    this.health = 'unknown';
    this.usage = null;
    this.openFds = null;
    this.startRun(pid, this.startTimeOfNewRun(pid));
    // `on`, not `once`: each comes once anyway, and a once-wrapper per child is 0.2 KB kept.
    child.on('spawn', () => {
      if (this.child === child) this.apply({ type: 'ready' });
    });
    // On Linux a failed exec comes back from spawn() without a pid (handled above); a later 'error'
    // (a failed child.kill) says nothing about the run, which the 'exit' event reports.
    child.on('error', ignore);
    child.on('exit', (code, signal) => {
      if (this.child === child) this.onMainExit(code, signal);
    });
    this.apply({ type: 'spawned', pid, at: this.world.clock.now() });
  }

  private transientRetryMs(): number {
    return Math.min(30_000, 500 * 2 ** this.transientFailures++);
  }

  private watchAdopted(pid: number, startTime: number): void {
    this.startRun(pid, startTime);
    this.health = 'unknown';
    this.stopWatchingAdopted = this.tree.watchExit(pid, startTime, () => this.onMainExit(null, null));
  }

  private startRun(pid: number, startTime: number | null): void {
    this.pidStartTime = startTime;
    this.runTree.clear();
    this.runTree.add(pid);
  }

  /** A run whose start time cannot be read now runs on; only a later daemon cannot adopt it (its
   * orphan sweep stops it, and the instance starts afresh). */
  private startTimeOfNewRun(pid: number): number | null {
    try {
      return this.tree.startTime(pid);
    } catch {
      return null;
    }
  }

  private signalTree(signal: NodeJS.Signals): void {
    const pid = this.pid;
    if (pid === null) return;
    // Scan before signalling: a main process that exits on the signal orphans its descendants,
    // and a scan after that would no longer find the ones that left the group.
    const outside = this.tree.outsideGroup(pid, this.runTree);
    this.tree.signal([-pid], signal);
    this.tree.signal(outside, signal);
  }

  /** A stop signal sent to a paused tree is acted on once it runs again. */
  private thaw(): void {
    if (!this.tree.freeze(false)) this.signalTree('SIGCONT');
  }

  private hasLeftovers(): boolean {
    const pid = this.pid!;
    const { tree } = this;
    return tree.groupExists(pid) || [...this.runTree].some((p) => p !== pid && tree.isAlive(p));
  }

  /** The main process is gone: once the rest of its tree is gone too, the run has ended. */
  private onMainExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.output.drain();
    this.child = null;
    this.stopWatchingAdopted?.();
    this.stopWatchingAdopted = null;
    const state = this.#state;
    const now = this.world.clock.now();
    const uptimeMs = 'startedAt' in state ? now - state.startedAt : 0;
    this.mainExit = { code, signal, at: now, uptimeMs };
    this.apply({ type: 'main-exited' });
  }

  private onRunEnded(exit: ExitInfo): void {
    this.previousExit = exit;
    const status = this.#state.status;
    const decision =
      status === 'stopping'
        ? ({ action: 'stop', reason: 'stopped' } as const)
        : this.runs.decide(exit, status === 'paused', this.spec.recovery, this.spec.type === 'task');
    this.apply({ type: 'exited', exit, decision });
  }
}
