// Holds back the instances of an app until its dependencies hold (depends_on), shows them as
// `waiting` or `blocked` and why, and starts them once the condition holds. A dependency that a
// crash restarts restarts its dependents too when they ask for it (`restart: true`).

import type { Dependency } from '../protocol/app-spec.js';
import type { EventSink } from '../protocol/events.js';
import type { ProcessStatus } from '../protocol/process-info.js';
import {
  type DependencyState,
  dependenciesState,
  dependencyState,
  type InstanceView,
} from './dependencies.js';
import type { ManagedProcess } from './managed-process.js';
import { Pacer } from './pacer.js';
import type { Clock } from './world.js';

export interface GateDeps {
  clock: Clock;
  events: EventSink;
  /** The instances of an app; undefined when no app has that name. */
  instancesOf(app: string): readonly ManagedProcess[] | undefined;
  /** The instances of the apps that restart when `app` crashes (depends_on with `restart: true`). */
  restartingWith(app: string): readonly ManagedProcess[];
}

const RUNNING: ReadonlySet<ProcessStatus> = new Set(['starting', 'online', 'paused']);

export class DependencyGate {
  /** Each held instance and what it is to do once its dependencies hold: a changed definition held
   * back must still restart, not only start. */
  private readonly held = new Map<ManagedProcess, 'start' | 'restart'>();
  private checkScheduled = false;
  /** A change came while a check ran: what it changed may not have been looked at. */
  private recheck = false;
  /** Each instance's status and pid at its last change: a crash goes from running to a new run
   * (or to waiting-restart) without stopping first. */
  private readonly last = new WeakMap<ManagedProcess, { status: ProcessStatus; pid: number | null }>();
  /** Changes of each app's instances, and the dependency states judged at a version. */
  private readonly versions = new Map<string, number>();
  private readonly judged = new Map<string, { version: string; state: DependencyState }>();

  constructor(private readonly deps: GateDeps) {}

  /** Starts (or restarts) `proc` now if its dependencies hold, else holds it until they do. */
  startOrHold(proc: ManagedProcess, type: 'start' | 'restart'): void {
    const state: DependencyState = proc.spec.dependsOn?.length
      ? dependenciesState(proc.spec, (dep) => this.stateOf(dep))
      : { met: true };
    if (state.met) {
      this.release(proc);
      proc.apply({ type });
      return;
    }
    // A restart asked for before stays one.
    this.held.set(proc, this.held.get(proc) === 'restart' ? 'restart' : type);
    const status = state.blocked ? 'blocked' : 'waiting';
    const was = proc.status;
    proc.setHold({ status, reason: state.why });
    if (was === status) return;
    this.deps.events.record({
      type: state.blocked ? 'dependency-blocked' : 'waiting',
      severity: state.blocked ? 'alert' : 'info',
      app: proc.name,
      index: proc.index,
      id: proc.id,
      message: state.blocked ? `not started: ${state.why}` : `waiting: ${state.why}`,
      data: { why: state.why },
    });
  }

  /** The instance goes its own way (started, stopped or restarted by hand, deleted). */
  release(proc: ManagedProcess): void {
    if (!this.held.delete(proc)) return;
    proc.setHold(null);
  }

  isHeld(proc: ManagedProcess): boolean {
    return this.held.has(proc);
  }

  /** Any instance changed: held ones are looked at again once per turn; a crash of a dependency
   * restarts the dependents that ask for it. */
  onChange(proc: ManagedProcess): void {
    this.versions.set(proc.name, (this.versions.get(proc.name) ?? 0) + 1);
    const now = { status: proc.state.status, pid: proc.pid };
    const before = this.last.get(proc);
    this.last.set(proc, now);
    const crashed =
      before !== undefined &&
      RUNNING.has(before.status) &&
      (now.status === 'waiting-restart' || (RUNNING.has(now.status) && now.pid !== before.pid));
    if (crashed) void this.restartDependents(proc.name);
    if (this.held.size === 0) return;
    if (this.checkScheduled) {
      this.recheck = true;
      return;
    }
    this.scheduleCheck();
  }

  private scheduleCheck(): void {
    this.checkScheduled = true;
    this.recheck = false;
    void this.deps.clock.nextTurn().then(() => this.checkHeld());
  }

  /** Starts the held instances whose dependencies hold now, a batch per turn: 1000 instances
   * waiting on one app must not fork in one turn of the daemon's loop. */
  private async checkHeld(): Promise<void> {
    const pacer = new Pacer(this.deps.clock);
    for (const [proc, type] of [...this.held]) {
      if (this.held.get(proc) !== type) continue;
      this.startOrHold(proc, type);
      await pacer.step();
    }
    this.checkScheduled = false;
    if (this.recheck && this.held.size > 0) this.scheduleCheck();
  }

  /** One dependency's state, judged again only after an instance of its app changed: starting 1000
   * instances that wait on an app of 1000 must not look at those 1000 each time. */
  private stateOf(dep: Dependency): DependencyState {
    const instances = this.deps.instancesOf(dep.app);
    const version = `${this.versions.get(dep.app) ?? 0}/${instances?.length ?? -1}`;
    const key = `${dep.app}\0${dep.condition}`;
    const known = this.judged.get(key);
    if (known?.version === version) return known.state;
    const views: InstanceView[] | undefined = instances?.map((p) => ({ status: p.status, health: p.health }));
    const state = dependencyState(dep, views);
    this.judged.set(key, { version, state });
    return state;
  }

  /** `app` crashed: dependents with `restart: true` stop, and start again once it holds again (a
   * turn at a time, as any long change). */
  private async restartDependents(app: string): Promise<void> {
    const pacer = new Pacer(this.deps.clock);
    for (const proc of [...this.deps.restartingWith(app)]) {
      if (!RUNNING.has(proc.state.status)) continue;
      proc.apply({ type: 'stop' });
      this.startOrHold(proc, 'start');
      await pacer.step();
    }
  }
}
