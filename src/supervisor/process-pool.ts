// Lifecycle operations over many instances at once (apply, start, stop, scale, delete, restore),
// replying when each has settled; the apps themselves are held in an AppTable.
import { EventEmitter } from 'node:events';
import { stopOrder } from '../config/app-spec/stop-order.js';
import type { AppSpec, PoolSpec } from '../protocol/app-spec.js';
import { PmError } from '../protocol/errors.js';
import type { AppDetails, PoolBounds, ScaleChange } from '../protocol/messages.js';
import type { ProcessInfo } from '../protocol/process-info.js';
import type { Target } from '../protocol/target.js';
import { type AppEntry, AppTable } from './app-table.js';
import { DependencyGate } from './dependency-gate.js';
import { ManagedProcess } from './managed-process.js';
import { Pacer } from './pacer.js';
import { describeChanges, keepPoolCounts, reconcile, refuseReplacing, resizeSlots } from './reconcile.js';
import { type InstanceRecord, type PoolSnapshot, type ReloadMark, recordOf } from './records.js';
import { type ReloadOptions, rollingReload } from './rolling-reload.js';
import { isDown, isSettled, settleAll } from './settle.js';
import type { Output, World } from './world.js';

/** Instances whose info one loop turn of `pm list` makes. */
const LIST_SLICE = 500;

export interface PoolDeps extends World {
  createOutput: (spec: AppSpec, index: number, id: number) => Output;
  /** Makes the pipes of many new outputs at once, before any opens (a restore, whose pipes exist). */
  preparePipes: (outputs: Output[]) => void;
  /** The same off the event loop, for new slots: mkfifo(1) is a process. */
  makePipes: (outputs: Output[]) => Promise<void>;
  /** Writes the state; resolves once it is on disk. Called once new definitions and slots exist and
   * before any is started (write-ahead): a daemon killed while it forks leaves a state that names
   * every slot it forks. */
  persist: () => unknown;
  /** Resolves once these records of one app are on disk, without writing every instance's (a
   * reload's steps: two per instance). */
  persistRecords: (app: string, records: InstanceRecord[]) => Promise<unknown>;
  /** How long start-like operations wait for new runs to settle before replying. */
  startWaitMs: number;
}

/** The output of an instance about to be made, and the id it is made for. */
interface NewOutput {
  id: number;
  output: Output;
}

/** `force`: replace apps defined elsewhere; `onChanges`: told per app what the apply does. */
export interface ApplyOptions {
  force?: boolean;
  onChanges?: (changes: Array<{ app: string; outcome: string }>) => void;
}

/** Who asked for a scale and why (the autoscaler), and which slots go. */
export interface ScaleOptions {
  /** Indexes to remove when shrinking, instead of the highest ones (used when as many as the change). */
  remove?: readonly number[];
  /** The `scaled` event's message and extra data in place of the plain count. */
  why?: { message: string; data: Record<string, string | number | boolean | null> };
  /** Refuse a count outside the pool's bounds (`pm scale` on a pooled app). */
  withinBounds?: boolean;
  /** Only if the app still has this many instances when the change's turn comes (an autoscaling
   * decision made before a user's scale or a change of bounds is dropped, not applied over it). */
  ifCount?: number;
}

export class ProcessPool extends EventEmitter<{ change: [ManagedProcess] }> {
  private readonly apps = new AppTable();
  private nextId = 0;
  /** Slots about to be started, recorded as such by the write-ahead persist and every write until
   * their start. */
  private readonly pendingStart = new Set<ManagedProcess>();
  /** Each instance's last record (see recordFor), dropped at its every change. */
  private readonly records = new WeakMap<
    ManagedProcess,
    { record: InstanceRecord; pending: boolean; mark: ReloadMark | undefined; held: boolean }
  >();
  /** The last change of the set of instances, which the next one waits for (see exclusive). */
  private changing: Promise<void> = Promise.resolve();
  /** Instances deleted: a start still queued for one of them is dropped. */
  private readonly removed = new WeakSet<ManagedProcess>();
  /** The two instances of a slot during a reload: a replacement not ready yet, or the instance it
   * replaced, on its way out. A new daemon drops the marked one (records.ts). */
  private readonly reloadMarks = new Map<ManagedProcess, ReloadMark>();
  private readonly gate: DependencyGate;
  /** The daemon is stopping, or letting go of its instances: none is added or restarted any more. */
  private closing = false;

  constructor(private readonly deps: PoolDeps) {
    super();
    this.gate = new DependencyGate({
      clock: deps.clock,
      events: deps.events,
      instancesOf: (app) => this.apps.get(app)?.instances,
      restartingWith: (app) => this.apps.restartingWith(app),
    });
  }

  get instanceCount(): number {
    return this.apps.instanceCount;
  }

  get appCount(): number {
    return this.apps.size;
  }

  all(): ManagedProcess[] {
    return this.apps.all();
  }

  select(target: Target): ManagedProcess[] {
    return this.apps.select(target);
  }

  /** Every app's definition, an app scaled to 0 included (the autoscaler's queue signal reads it). */
  specs(): AppSpec[] {
    return [...this.apps.values()].map((app) => app.spec);
  }

  list(): ProcessInfo[] {
    return this.all().map((p) => p.info());
  }

  /** list(), a slice of instances per loop turn: the info of 10,000 at once held the loop. */
  async listInSlices(slice = LIST_SLICE): Promise<ProcessInfo[]> {
    const all = this.all();
    const infos: ProcessInfo[] = [];
    for (let at = 0; at < all.length; at += slice) {
      if (at > 0) await this.deps.clock.nextTurn();
      for (const p of all.slice(at, at + slice)) infos.push(p.info());
    }
    return infos;
  }

  describe(target: Target): Array<Omit<AppDetails, 'isolation'>> {
    return this.apps.describe(target);
  }

  /** Create new apps; for existing ones, restart (or with `reload`, reload) those whose definition
   * changed and start the rest. */
  apply(specs: AppSpec[], reload?: ReloadOptions, options: ApplyOptions = {}): Promise<ProcessInfo[]> {
    return this.exclusive(() => this.applyNow(specs, reload, options));
  }

  /** Replaces each instance by a fresh run that is ready before the instance stops (`pm reload`). */
  reload(target: Target, options: ReloadOptions): Promise<ProcessInfo[]> {
    return this.exclusive(async () => {
      const procs = this.select(target);
      await this.reloadNow(procs, options);
      const names = new Set(procs.map((p) => p.name));
      return this.all()
        .filter((p) => names.has(p.name))
        .map((p) => p.info());
    });
  }

  private async applyNow(
    asked: AppSpec[],
    reload?: ReloadOptions,
    options: ApplyOptions = {},
  ): Promise<ProcessInfo[]> {
    const held = this.apps.held();
    if (!options.force) refuseReplacing(held, asked);
    const specs = keepPoolCounts(held, asked);
    await this.listenFor(specs);
    const plan = reconcile(held, specs);
    options.onChanges?.(
      describeChanges(held, specs, plan, reload !== undefined, (name) => this.apps.get(name)!.instances),
    );
    const defined = new Map(specs.map((spec) => [spec.name, spec]));
    for (const name of [...plan.restart, ...plan.start])
      this.redefine(this.apps.get(name)!, defined.get(name)!);
    const removed = plan.remove.flatMap(({ name, indexes }) => this.apps.slots(name, indexes));
    const removing = new Set(removed);
    const removal = this.stopAndRemove(removed);
    const pacer = new Pacer(this.deps.clock);
    // The pipes of every new slot of every app by one mkfifo; a failure is reported app by app below.
    const slots = plan.create.flatMap(({ spec, indexes }) =>
      indexes.map((index) => ({ spec, index, id: this.nextId++ })),
    );
    const made = await this.newOutputs(slots, pacer).catch(() => null);
    const added: ManagedProcess[] = [];
    let at = 0;
    for (const { spec, indexes } of plan.create) {
      const outputs = made?.slice(at, at + indexes.length);
      at += indexes.length;
      added.push(...(await this.addInstances(spec, indexes, pacer, outputs)));
    }
    const restarted = plan.restart.flatMap((name) => this.apps.get(name)!.instances);
    // A task that completed is done: the same definition applied again does not run it again.
    const started = plan.start
      .flatMap((name) => this.apps.get(name)!.instances)
      .filter((p) => p.state.status !== 'completed');
    const isNew = new Set(added);
    const kept = (p: ManagedProcess) => !removing.has(p) && !isNew.has(p);
    // A reload replaces the changed apps' instances one by one once the rest is under way.
    const restartedNow = reload ? [] : restarted.filter(kept);
    // A task with a schedule runs when it is due, not when it is defined.
    const startsNow = (p: ManagedProcess) => p.spec.schedule?.action !== 'run';
    const toStart = [...added, ...started.filter(kept)].filter(startsNow);
    await this.startWritingAhead(pacer, toStart, [
      ...toStart.map((p) => [p, 'start'] as const),
      ...restartedNow.filter(startsNow).map((p) => [p, 'restart'] as const),
    ]);
    await removal;
    if (reload) await this.reloadNow(restarted.filter(kept), reload);
    const touched = [...defined.keys()].flatMap((name) => this.apps.get(name)?.instances ?? []);
    await this.settleAll(touched, isSettled, this.deps.startWaitMs);
    const members = new Set(this.all());
    return touched.filter((p) => members.has(p)).map((p) => p.info());
  }

  /** Starts the target, and first what it depends on that is not running. */
  async start(target: Target): Promise<ProcessInfo[]> {
    const procs = this.select(target);
    const needed = this.dependenciesOf(procs).filter((p) => p.pid === null && p.state.status !== 'completed');
    await this.operateOn(
      [...needed, ...procs],
      (p) => this.gate.startOrHold(p, 'start'),
      isSettled,
      this.deps.startWaitMs,
    );
    return procs.map((p) => p.info());
  }

  /** Stops dependents before what they depend on. */
  async stop(target: Target): Promise<ProcessInfo[]> {
    const procs = this.select(target);
    await this.stopInOrder(procs, new Pacer(this.deps.clock));
    return procs.map((p) => p.info());
  }

  /** The instances of the apps `procs` depend on, and of what those depend on, not `procs` themselves. */
  private dependenciesOf(procs: ManagedProcess[]): ManagedProcess[] {
    const names = new Set(procs.map((p) => p.name));
    const found = new Set<string>();
    const visit = (name: string): void => {
      for (const dep of this.apps.get(name)?.spec.dependsOn ?? []) {
        if (found.has(dep.app) || names.has(dep.app)) continue;
        found.add(dep.app);
        visit(dep.app);
      }
    };
    for (const name of names) visit(name);
    return [...found].flatMap((name) => this.apps.get(name)?.instances ?? []);
  }

  /** Stop signals in waves, dependents first (depends_on); each wave waits until its instances are down. */
  private async stopInOrder(procs: ManagedProcess[], pacer: Pacer): Promise<void> {
    for (const wave of stopOrder(procs)) {
      await this.stopEach(wave, pacer);
      await this.settleAll(wave, isDown);
    }
  }

  async restart(target: Target): Promise<ProcessInfo[]> {
    const procs = this.select(target);
    await this.restartNow(procs);
    return procs.map((p) => p.info());
  }

  private async restartNow(procs: ManagedProcess[]): Promise<void> {
    this.refuseWhileClosing();
    const runs = new Map<ManagedProcess, number | null>();
    await this.operateOn(
      procs,
      (p) => {
        runs.set(p, p.pid);
        // Asked for by hand: it starts now, whatever it waited for.
        this.gate.release(p);
        p.apply({ type: 'restart' });
      },
      (p) => isSettled(p) && (p.pid === null || p.pid !== runs.get(p)),
      this.deps.startWaitMs,
    );
  }

  /** Zero the restart counters; an errored instance starts again with a fresh crash-loop count. */
  async reset(target: Target): Promise<ProcessInfo[]> {
    return this.operate(
      target,
      (p) => {
        p.resetCounters();
        if (p.state.status === 'errored') this.gate.startOrHold(p, 'start');
      },
      isSettled,
      this.deps.startWaitMs,
    );
  }

  async pause(target: Target): Promise<ProcessInfo[]> {
    return this.operate(
      target,
      (p) => p.apply({ type: 'pause' }),
      () => true,
    );
  }

  async resume(target: Target): Promise<ProcessInfo[]> {
    return this.operate(
      target,
      (p) => p.apply({ type: 'resume' }),
      () => true,
    );
  }

  /** Stop and forget; an app whose last instance goes is removed, and so is one the target names
   * (or `all`) that has no instance left. */
  delete(target: Target): Promise<ProcessInfo[]> {
    return this.exclusive(() => this.deleteNow(target));
  }

  private reloadNow(procs: ManagedProcess[], options: ReloadOptions): Promise<void> {
    return rollingReload(procs, options, {
      clock: this.deps.clock,
      events: this.deps.events,
      startReplacement: async (old) => {
        const app = this.apps.get(old.name)!;
        const pacer = new Pacer(this.deps.clock);
        const [fresh] = await this.addInstances(app.spec, [old.index], pacer);
        fresh!.wantsReadyNotice = true;
        this.reloadMarks.set(fresh!, 'replacement');
        // Written ahead: a new daemon knows the replacement (and drops it) if this one dies forking it.
        await this.deps.persistRecords(old.name, [this.recordFor(fresh!)]);
        // The daemon may have begun to stop meanwhile, and be done stopping what it found.
        this.refuseWhileClosing();
        if (!this.removed.has(fresh!)) fresh!.apply({ type: 'start' });
        return fresh!;
      },
      promote: async (fresh, old) => {
        fresh.wantsReadyNotice = false;
        this.reloadMarks.delete(fresh);
        this.reloadMarks.set(old, 'retiring');
        await this.deps.persistRecords(old.name, [this.recordFor(fresh), this.recordFor(old)]);
        return { removed: this.stopAndRemove([old], { quiet: true }).then(() => {}) };
      },
      discard: (fresh) => this.stopAndRemove([fresh], { quiet: true }).then(() => {}),
      restart: (procs) => this.restartNow(procs),
    });
  }

  /** Binds the listen: sockets of these definitions before any of their runs starts. */
  private async listenFor(specs: AppSpec[]): Promise<void> {
    for (const spec of specs) {
      try {
        await this.deps.listen(spec);
      } catch (error) {
        throw new PmError('conflict', `cannot start ${spec.name}: ${(error as Error).message}`);
      }
    }
  }

  private async deleteNow(target: Target): Promise<ProcessInfo[]> {
    const procs = this.select(target);
    const names = new Set(procs.map((p) => p.name));
    if (target.kind === 'name') names.add(target.name);
    if (target.kind === 'all') for (const name of this.apps.keys()) names.add(name);
    const infos = await this.stopAndRemove(procs);
    for (const name of names) {
      const app = this.apps.get(name);
      if (!app) continue;
      if (app.instances.length === 0) {
        this.apps.delete(name);
        this.deps.unlisten(name);
      } else app.spec = { ...app.spec, instances: app.instances.length };
    }
    return infos;
  }

  scale(name: string, change: ScaleChange, options: ScaleOptions = {}): Promise<ProcessInfo[]> {
    return this.exclusive(() => this.scaleNow(name, change, options));
  }

  /** New pool bounds for a pooled app (`pm scale --min/--max`): kept in its definition, so that the
   * state file and `pm save` carry them. The count is the autoscaler's to bring within them. */
  setPoolBounds(name: string, bounds: PoolBounds): PoolSpec {
    const app = this.apps.get(name);
    if (!app) throw new PmError('not-found', `no app named "${name}": see \`pm list\``);
    const current = app.spec.pool;
    if (!current) {
      throw new PmError(
        'bad-request',
        `"${name}" is not a pool: it runs a fixed number of instances; define it with a pool: section to give it bounds`,
      );
    }
    const pool = { ...current, ...bounds };
    if (pool.minSize > pool.maxSize) {
      throw new PmError(
        'bad-request',
        `cannot set the bounds of "${name}" to ${pool.minSize}–${pool.maxSize}: --min must be at most --max`,
      );
    }
    app.spec = { ...app.spec, pool };
    for (const proc of app.instances) proc.spec = app.spec;
    void this.deps.persist();
    return pool;
  }

  private async scaleNow(name: string, change: ScaleChange, options: ScaleOptions): Promise<ProcessInfo[]> {
    const app = this.apps.get(name);
    if (!app) throw new PmError('not-found', `no app named "${name}": see \`pm list\``);
    if (options.ifCount !== undefined && app.instances.length !== options.ifCount)
      return app.instances.map((p) => p.info());
    const count = change.mode === 'set' ? change.count : app.instances.length + change.count;
    if (count < 0) {
      throw new PmError(
        'bad-request',
        `cannot scale "${name}" to ${count}: it has ${app.instances.length} instances`,
      );
    }
    const before = app.instances.length;
    const pool = app.spec.pool;
    if (pool && options.withinBounds && (count < pool.minSize || count > pool.maxSize)) {
      throw new PmError(
        'bad-request',
        `cannot scale "${name}" to ${count}: its pool runs ${pool.minSize} to ${pool.maxSize} instances; ` +
          `change the bounds with \`pm scale ${name} --min N --max N\` (or min_size/max_size in its config)`,
      );
    }
    const indexes = app.instances.map((p) => p.index);
    const slots = resizeSlots(indexes, count);
    // The autoscaler removes the instances it found idle, not the highest indexes.
    const chosen = (options.remove ?? []).filter((index) => indexes.includes(index));
    if (slots.remove.length > 0 && chosen.length === slots.remove.length) slots.remove = chosen;
    // First what can fail (out of file descriptors): a failed scale changes nothing.
    const pacer = new Pacer(this.deps.clock);
    const added = await this.addInstances({ ...app.spec, instances: count }, slots.add, pacer);
    app.spec = { ...app.spec, instances: count };
    for (const proc of app.instances) proc.spec = app.spec;
    await this.stopAndRemove(this.apps.slots(name, slots.remove));
    await this.startWritingAhead(
      pacer,
      added,
      added.map((p) => [p, 'start'] as const),
    );
    if (count !== before) {
      this.deps.events.record({
        type: 'scaled',
        severity: 'info',
        app: name,
        message: options.why?.message ?? `scaled from ${before} to ${count} instances`,
        data: { from: before, to: count, ...options.why?.data },
      });
    }
    await this.settleAll(added, isSettled, this.deps.startWaitMs);
    return app.instances.map((p) => p.info());
  }

  /** Stop every instance (daemon shutdown); resolves when all are down. */
  async stopAll(): Promise<number> {
    this.closing = true;
    const pacer = new Pacer(this.deps.clock);
    // Again while a change under way (a reload, a scale) added instances meanwhile: `pm kill`
    // during a reload of 10,000 left its newest replacements running.
    const stopped = new Set<ManagedProcess>();
    for (;;) {
      const procs = this.all().filter((p) => !stopped.has(p));
      if (procs.length === 0) break;
      await this.stopInOrder(procs, pacer);
      for (const proc of procs) stopped.add(proc);
    }
    await this.releaseEach([...stopped], pacer);
    return stopped.size;
  }

  /** `pm update`: let go of every instance without stopping it: its lines are written out, its pipes stay. */
  async detach(): Promise<number> {
    this.closing = true;
    const procs = this.all();
    await Promise.all(procs.map((p) => p.output.detach()));
    return procs.length;
  }

  snapshot(): PoolSnapshot {
    return {
      nextId: this.nextId,
      apps: [...this.apps.values()].map((app) => ({
        spec: app.spec,
        instances: app.instances.map((p) => this.recordFor(p)),
      })),
    };
  }

  /** An instance's record, the same object until the instance changes: the state file's writer
   * keeps the JSON of each record object, so that a write at 10,000 instances turns only those
   * that changed into text. */
  private recordFor(p: ManagedProcess): InstanceRecord {
    // A slot the write-ahead names before its fork: a new daemon starts it.
    const pending = this.pendingStart.has(p) && p.pid === null;
    const mark = this.reloadMarks.get(p);
    // Held back by its dependencies: a new daemon holds it again, or starts it if they hold.
    const held = this.gate.isHeld(p);
    const kept = this.records.get(p);
    if (kept && kept.pending === pending && kept.mark === mark && kept.held === held) return kept.record;
    const record = {
      ...recordOf(p),
      ...(pending && { status: 'starting' as const }),
      ...(mark && { reload: mark }),
      ...(held && { status: p.status }),
    };
    this.records.set(p, { record, pending, mark, held });
    return record;
  }

  /** Rebuild from a snapshot: adopt processes still running, start what should run, keep the rest
   * stopped. An instance a reload had marked is stopped and dropped: its slot's other instance stays.
   * A batch of instances per turn: 10,000 adopted after `pm update` held the loop 2.6 s. */
  async restore(snapshot: PoolSnapshot): Promise<{ adopted: number; started: number }> {
    const pacer = new Pacer(this.deps.clock);
    let adopted = 0;
    let started = 0;
    const dropped: ManagedProcess[] = [];
    const gated: ManagedProcess[] = [];
    this.nextId = snapshot.nextId;
    for (const { spec, instances } of snapshot.apps) {
      const entry: AppEntry = { spec, instances: [] };
      this.apps.set(spec.name, entry);
      const outputs = instances.map((record) => this.deps.createOutput(spec, record.index, record.id));
      this.deps.preparePipes(outputs);
      for (const [i, record] of instances.entries()) {
        const proc = this.createInstance(spec, record.index, record.id, outputs[i]!);
        entry.instances.push(proc);
        if (record.reload) dropped.push(proc);
        // Its dependencies decide when it starts: once every app is back.
        // A reload's marked instance is dropped below: never started first.
        const holdStart = Boolean(spec.dependsOn?.length) || record.reload !== undefined;
        const outcome = proc.restore(record, holdStart);
        // Stopped now, dropped below: an exit while the restore goes on must not restart it.
        if (record.reload) proc.apply({ type: 'stop' });
        if (outcome === 'adopted') adopted += 1;
        if (outcome === 'started' && !record.reload) started += 1;
        if (
          holdStart &&
          !record.reload &&
          (outcome === 'started' || record.status === 'waiting' || record.status === 'blocked')
        )
          gated.push(proc);
        await pacer.step();
      }
    }
    for (const proc of gated) this.gate.startOrHold(proc, 'start');
    if (dropped.length > 0) {
      this.deps.events.record({
        type: 'reload-interrupted',
        severity: 'alert',
        message: `a reload was cut short by the end of the previous daemon: stopping ${dropped.map((p) => `${p.name}:${p.index} (id ${p.id})`).join(', ')}, the other instance of each slot stays`,
        data: { instances: dropped.length },
      });
      void this.exclusive(() => this.stopAndRemove(dropped, { quiet: true }));
    }
    return { adopted, started };
  }

  private async operate(
    target: Target,
    action: (p: ManagedProcess) => void,
    done: (p: ManagedProcess) => boolean,
    timeoutMs?: number,
  ): Promise<ProcessInfo[]> {
    const procs = this.select(target);
    await this.operateOn(procs, action, done, timeoutMs);
    return procs.map((p) => p.info());
  }

  private async operateOn(
    procs: ManagedProcess[],
    action: (p: ManagedProcess) => void,
    done: (p: ManagedProcess) => boolean,
    timeoutMs?: number,
  ): Promise<void> {
    // A turn at a time: `stop all` of 1000 signals 1000 trees, 150 ms in one turn.
    const pacer = new Pacer(this.deps.clock);
    for (const proc of procs) {
      action(proc);
      await pacer.step();
    }
    await this.settleAll(procs, done, timeoutMs);
  }

  private settleAll(procs: ManagedProcess[], done: (p: ManagedProcess) => boolean, timeoutMs?: number) {
    return settleAll(procs, done, this.deps.clock, timeoutMs);
  }

  /** An existing app takes a new definition; its instances run under it from their next run. */
  private redefine(app: AppEntry, spec: AppSpec): void {
    this.apps.redefine(app, spec);
    for (const proc of app.instances) {
      proc.spec = spec;
      proc.output.configure(spec);
    }
  }

  /** Persists the state with `toStart` marked as starting, then applies the steps, a batch per
   * turn of the event loop: forking thousands of instances must not hold the daemon. */
  private async startWritingAhead(
    pacer: Pacer,
    toStart: ManagedProcess[],
    steps: ReadonlyArray<readonly [ManagedProcess, 'start' | 'restart']>,
  ): Promise<void> {
    for (const proc of toStart) this.pendingStart.add(proc);
    try {
      await this.deps.persist();
      for (let i = 0; i < steps.length; i++) {
        const [proc, type] = steps[i]!;
        if (this.removed.has(proc) || this.closing) {
          // dropped while queued, or the daemon stops
        } else this.gate.startOrHold(proc, type);
        this.pendingStart.delete(proc);
        await pacer.step();
      }
    } finally {
      for (const proc of toStart) this.pendingStart.delete(proc);
    }
  }

  /** A change under way when the daemon began to stop (a reload) goes no further. */
  private refuseWhileClosing(): void {
    if (this.closing)
      throw new PmError('conflict', 'the daemon is stopping: no instance is started any more');
  }

  /** Runs changes of the set of instances (apply, scale, delete) one after the other: they may
   * yield between turns of the event loop, and two must never pick the same free index. */
  private exclusive<T>(change: () => Promise<T>): Promise<T> {
    const result = this.changing.then(change);
    this.changing = result.then(
      () => {},
      () => {},
    );
    return result;
  }

  /** New instances at these indexes, not started yet; the app is created if it is new. Made a
   * batch per turn of the event loop: opening thousands of pipes and files must not hold it. */
  private async addInstances(
    spec: AppSpec,
    indexes: readonly number[],
    pacer: Pacer,
    outputs?: NewOutput[],
  ): Promise<ManagedProcess[]> {
    this.refuseWhileClosing();
    const added: ManagedProcess[] = [];
    try {
      const made =
        outputs ??
        (await this.newOutputs(
          indexes.map((index) => ({ spec, index, id: this.nextId++ })),
          pacer,
        ));
      for (const [i, index] of indexes.entries()) {
        const { id, output } = made[i]!;
        added.push(this.createInstance(spec, index, id, output));
        await pacer.step();
      }
    } catch (error) {
      // Nothing half-made stays behind: the pipes and files opened so far are let go.
      for (const proc of added) void proc.output.close();
      throw new PmError(
        'internal',
        `cannot add ${spec.name}:${indexes[added.length]}: ${(error as Error).message}; no instance was added`,
      );
    }
    let app = this.apps.get(spec.name);
    if (!app) {
      app = { spec, instances: [] };
      this.apps.set(spec.name, app);
    }
    app.instances.push(...added);
    app.instances.sort((a, b) => a.index - b.index);
    // Told even before they start (an instance that waits for its schedule may not start for long).
    for (const proc of added) this.emit('change', proc);
    return added;
  }

  /** The outputs of new instances, their pipes made by one mkfifo for them all, off the event loop. */
  private async newOutputs(
    slots: Array<{ spec: AppSpec; index: number; id: number }>,
    pacer: Pacer,
  ): Promise<NewOutput[]> {
    const made: NewOutput[] = [];
    for (const { spec, index, id } of slots) {
      made.push({ id, output: this.deps.createOutput(spec, index, id) });
      await pacer.step();
    }
    if (made.length > 0) await this.deps.makePipes(made.map((m) => m.output));
    return made;
  }

  private createInstance(spec: AppSpec, index: number, id: number, output: Output): ManagedProcess {
    try {
      output.open();
    } catch (error) {
      void output.close();
      throw error;
    }
    const proc = new ManagedProcess(id, spec, index, output, this.deps);
    proc.on('change', (p) => {
      this.records.delete(p);
      this.gate.onChange(p);
      this.emit('change', p);
    });
    return proc;
  }

  private async stopEach(procs: ManagedProcess[], pacer: Pacer): Promise<void> {
    for (const proc of procs) {
      this.gate.release(proc);
      proc.apply({ type: 'stop' });
      await pacer.step();
    }
  }

  /** Closes the pipes and files, and removes the cgroup, of instances that are down for good. */
  private async releaseEach(procs: ManagedProcess[], pacer: Pacer): Promise<void> {
    for (const proc of procs) {
      await proc.output.close();
      proc.release();
      await pacer.step();
    }
  }

  /** `quiet`: no `deleted` event (a reload's instance leaving its slot to another). */
  private async stopAndRemove(procs: ManagedProcess[], { quiet = false } = {}): Promise<ProcessInfo[]> {
    // First: a start still queued for one of them (a large apply, turn by turn) must not run.
    for (const proc of procs) this.removed.add(proc);
    // Each step a turn at a time, as in operate().
    const pacer = new Pacer(this.deps.clock);
    await this.stopInOrder(procs, pacer);
    const removed = new Set(procs);
    for (const app of new Set(procs.map((p) => this.apps.get(p.name)))) {
      if (app) app.instances = app.instances.filter((p) => !removed.has(p));
    }
    for (const proc of procs) {
      proc.removeAllListeners();
      this.reloadMarks.delete(proc);
    }
    await this.releaseEach(procs, pacer);
    const infos = procs.map((p) => p.info());
    for (const proc of procs) {
      await pacer.step();
      this.emit('change', proc);
      if (quiet) continue;
      this.deps.events.record({
        type: 'deleted',
        severity: 'info',
        app: proc.name,
        index: proc.index,
        id: proc.id,
        message: 'deleted',
      });
    }
    return infos;
  }
}
