// The registry of apps and their instances: selects by target, and runs lifecycle operations
// over many instances at once, replying when each has settled.
import { EventEmitter } from 'node:events';
import { isDeepStrictEqual } from 'node:util';
import type { InstanceOutput } from '../logs/instance-output.js';
import { signalPids } from '../proc/signal-pids.js';
import { staleRunPids } from '../proc/stale-run.js';
import type { AppSpec } from '../protocol/app-spec.js';
import { PmError } from '../protocol/errors.js';
import type { AppDetails, ScaleChange } from '../protocol/messages.js';
import type { ProcessInfo } from '../protocol/process-info.js';
import { formatTarget, type Target } from '../protocol/target.js';
import { type InstanceDeps, type InstanceRecord, ManagedProcess } from './managed-process.js';
import type { InstanceState } from './process-state.js';

export interface PoolDeps extends InstanceDeps {
  createOutput: (spec: AppSpec, index: number) => InstanceOutput;
  /** How long start-like operations wait for new runs to settle before replying. */
  startWaitMs: number;
}

interface AppEntry {
  spec: AppSpec;
  instances: ManagedProcess[];
}

/** The part of the daemon's state that is persisted. */
export interface PoolSnapshot {
  nextId: number;
  apps: Array<{ spec: AppSpec; instances: InstanceRecord[] }>;
}

const RUNNING: ReadonlySet<InstanceState['status']> = new Set([
  'starting',
  'online',
  'paused',
  'waiting-restart',
]);
const isSettled = (p: ManagedProcess) => p.state.status !== 'starting' && p.state.status !== 'stopping';
const isDown = (p: ManagedProcess) => p.state.status === 'stopped' || p.state.status === 'errored';

/** Resolves when `done(proc)` holds, or after timeoutMs (the reply then shows the state as it is). */
function settle(
  proc: ManagedProcess,
  done: (p: ManagedProcess) => boolean,
  timeoutMs: number,
): Promise<void> {
  if (done(proc)) return Promise.resolve();
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      proc.off('change', check);
      resolve();
    };
    const check = () => {
      if (done(proc)) finish();
    };
    const timer = setTimeout(finish, timeoutMs);
    proc.on('change', check);
  });
}

export class ProcessPool extends EventEmitter<{ change: [ManagedProcess] }> {
  private readonly apps = new Map<string, AppEntry>();
  private nextId = 0;

  constructor(private readonly deps: PoolDeps) {
    super();
  }

  get instanceCount(): number {
    let count = 0;
    for (const app of this.apps.values()) count += app.instances.length;
    return count;
  }

  get appCount(): number {
    return this.apps.size;
  }

  all(): ManagedProcess[] {
    return [...this.apps.values()].flatMap((app) => app.instances);
  }

  select(target: Target): ManagedProcess[] {
    const found = this.find(target);
    if (found.length === 0 && target.kind !== 'all') {
      throw new PmError('not-found', `no process matches "${formatTarget(target)}": see \`pm list\``);
    }
    return found;
  }

  private find(target: Target): ManagedProcess[] {
    switch (target.kind) {
      case 'all':
        return this.all();
      case 'name':
        return this.apps.get(target.name)?.instances ?? [];
      case 'id':
        return this.all().filter((p) => p.id === target.id);
      case 'instance':
        return (this.apps.get(target.name)?.instances ?? []).filter((p) => p.index === target.index);
    }
  }

  list(): ProcessInfo[] {
    return this.all().map((p) => p.info());
  }

  describe(target: Target): AppDetails[] {
    const selected = new Set(this.select(target));
    return [...this.apps.values()]
      .filter((app) => app.instances.some((p) => selected.has(p)))
      .map((app) => ({
        spec: app.spec,
        instances: app.instances
          .filter((p) => selected.has(p))
          .map((p) => ({ ...p.info(), history: p.restartRecords() })),
      }));
  }

  /** Create new apps; for existing ones, restart those whose definition changed and start the rest. */
  async apply(specs: AppSpec[]): Promise<ProcessInfo[]> {
    const touched: ManagedProcess[] = [];
    for (const spec of specs) {
      const app = this.apps.get(spec.name);
      if (!app) {
        const entry: AppEntry = { spec, instances: [] };
        this.apps.set(spec.name, entry);
        touched.push(...this.addInstances(entry, spec.instances));
        continue;
      }
      // A new instance count is a scale, not a new definition: the instances kept run on.
      const changed = !isDeepStrictEqual({ ...app.spec, instances: 0 }, { ...spec, instances: 0 });
      app.spec = spec;
      for (const proc of app.instances) {
        proc.spec = spec;
        proc.output.configure(spec);
      }
      const added = await this.resize(app, spec.instances);
      for (const proc of app.instances) {
        if (!added.includes(proc)) proc.apply({ type: changed ? 'restart' : 'start' });
        touched.push(proc);
      }
    }
    await this.settleAll(touched, isSettled, this.deps.startWaitMs);
    return [...new Set(touched)].filter((p) => this.isMember(p)).map((p) => p.info());
  }

  async start(target: Target): Promise<ProcessInfo[]> {
    return this.operate(target, (p) => p.apply({ type: 'start' }), isSettled, this.deps.startWaitMs);
  }

  async stop(target: Target): Promise<ProcessInfo[]> {
    return this.operate(target, (p) => p.apply({ type: 'stop' }), isDown);
  }

  async restart(target: Target): Promise<ProcessInfo[]> {
    const runs = new Map<ManagedProcess, number | null>();
    return this.operate(
      target,
      (p) => {
        runs.set(p, p.pid);
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
        if (p.state.status === 'errored') p.apply({ type: 'start' });
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

  /** Stop and forget; an app whose last instance goes is removed. */
  async delete(target: Target): Promise<ProcessInfo[]> {
    const procs = this.select(target);
    const infos = await this.stopAndRemove(procs);
    for (const [name, app] of this.apps) {
      if (app.instances.length === 0) this.apps.delete(name);
      else app.spec = { ...app.spec, instances: app.instances.length };
    }
    return infos;
  }

  async scale(name: string, change: ScaleChange): Promise<ProcessInfo[]> {
    const app = this.apps.get(name);
    if (!app) throw new PmError('not-found', `no app named "${name}": see \`pm list\``);
    const count = change.mode === 'set' ? change.count : app.instances.length + change.count;
    if (count < 0) {
      throw new PmError(
        'bad-request',
        `cannot scale "${name}" to ${count}: it has ${app.instances.length} instances`,
      );
    }
    app.spec = { ...app.spec, instances: count };
    for (const proc of app.instances) proc.spec = app.spec;
    const before = app.instances.length;
    const added = await this.resize(app, count);
    if (count !== before) {
      this.deps.events.record({
        type: 'scaled',
        severity: 'info',
        app: name,
        message: `scaled from ${before} to ${count} instances`,
        data: { from: before, to: count },
      });
    }
    await this.settleAll(added, isSettled, this.deps.startWaitMs);
    return app.instances.map((p) => p.info());
  }

  /** Stop every instance (daemon shutdown); resolves when all are down. */
  async stopAll(): Promise<number> {
    const procs = this.all();
    for (const proc of procs) proc.apply({ type: 'stop' });
    await this.settleAll(procs, isDown);
    await Promise.all(procs.map((p) => p.output.close()));
    return procs.length;
  }

  /** `pm update`: let go of every instance without stopping it: its lines are written out, its pipes stay. */
  async detach(): Promise<number> {
    const procs = this.all();
    await Promise.all(procs.map((p) => p.output.detach()));
    return procs.length;
  }

  snapshot(): PoolSnapshot {
    return {
      nextId: this.nextId,
      apps: [...this.apps.values()].map((app) => ({
        spec: app.spec,
        instances: app.instances.map((p) => p.toRecord()),
      })),
    };
  }

  /** Rebuild from a snapshot: adopt processes still running, start what should run, keep the rest stopped. */
  restore(snapshot: PoolSnapshot): { adopted: number; started: number } {
    let adopted = 0;
    let started = 0;
    this.nextId = snapshot.nextId;
    for (const { spec, instances } of snapshot.apps) {
      const entry: AppEntry = { spec, instances: [] };
      this.apps.set(spec.name, entry);
      for (const record of instances) {
        const proc = this.createInstance(spec, record.index, record.id);
        entry.instances.push(proc);
        if (proc.adopt(record)) adopted += 1;
        else {
          if (record.pid !== null) {
            const pipes = Object.values(proc.output.paths.pipe);
            signalPids(
              staleRunPids({ pid: record.pid, pidStartTime: record.pidStartTime, pipes }),
              'SIGKILL',
            );
          }
          proc.restoreRecord(record);
          if (RUNNING.has(record.status) || record.after === 'restart') {
            proc.apply({ type: 'start' });
            started += 1;
          }
        }
      }
    }
    return { adopted, started };
  }

  private isMember(proc: ManagedProcess): boolean {
    return this.apps.get(proc.name)?.instances.includes(proc) ?? false;
  }

  private async operate(
    target: Target,
    action: (p: ManagedProcess) => void,
    done: (p: ManagedProcess) => boolean,
    timeoutMs?: number,
  ): Promise<ProcessInfo[]> {
    const procs = this.select(target);
    for (const proc of procs) action(proc);
    await this.settleAll(procs, done, timeoutMs);
    return procs.map((p) => p.info());
  }

  private async settleAll(procs: ManagedProcess[], done: (p: ManagedProcess) => boolean, timeoutMs?: number) {
    await Promise.all(procs.map((p) => settle(p, done, timeoutMs ?? p.spec.stop.killTimeoutMs + 10_000)));
  }

  /** Grow with the lowest free indexes, or shrink from the highest; returns the instances added. */
  private async resize(app: AppEntry, count: number): Promise<ManagedProcess[]> {
    const current = app.instances.length;
    if (count > current) return this.addInstances(app, count - current);
    if (count < current) {
      const byIndex = [...app.instances].sort((a, b) => b.index - a.index);
      await this.stopAndRemove(byIndex.slice(0, current - count));
    }
    return [];
  }

  private addInstances(app: AppEntry, count: number): ManagedProcess[] {
    const used = new Set(app.instances.map((p) => p.index));
    const added: ManagedProcess[] = [];
    for (let index = 0; added.length < count; index++) {
      if (used.has(index)) continue;
      const proc = this.createInstance(app.spec, index, this.nextId++);
      added.push(proc);
    }
    app.instances.push(...added);
    app.instances.sort((a, b) => a.index - b.index);
    for (const proc of added) proc.apply({ type: 'start' });
    return added;
  }

  private createInstance(spec: AppSpec, index: number, id: number): ManagedProcess {
    const output = this.deps.createOutput(spec, index);
    output.open();
    const proc = new ManagedProcess(id, spec, index, output, this.deps);
    proc.on('change', (p) => this.emit('change', p));
    return proc;
  }

  private async stopAndRemove(procs: ManagedProcess[]): Promise<ProcessInfo[]> {
    for (const proc of procs) proc.apply({ type: 'stop' });
    await this.settleAll(procs, isDown);
    for (const proc of procs) {
      const app = this.apps.get(proc.name);
      if (app) app.instances = app.instances.filter((p) => p !== proc);
      proc.removeAllListeners();
    }
    await Promise.all(procs.map((p) => p.output.close()));
    const infos = procs.map((p) => p.info());
    for (const proc of procs) {
      this.deps.events.record({
        type: 'deleted',
        severity: 'info',
        app: proc.name,
        index: proc.index,
        id: proc.id,
        message: 'deleted',
      });
      this.emit('change', proc);
    }
    return infos;
  }
}
