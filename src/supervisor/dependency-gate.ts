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
import type { Clock } from './world.js';

export interface GateDeps {
  clock: Clock;
  events: EventSink;
  /** The instances of an app; undefined when no app has that name. */
  instancesOf(app: string): readonly ManagedProcess[] | undefined;
  /** Every app's instances, to find the dependents of an app (only after a crash: rare). */
  all(): readonly ManagedProcess[];
}

const RUNNING: ReadonlySet<ProcessStatus> = new Set(['starting', 'online', 'paused']);

export class DependencyGate {
  private readonly held = new Set<ManagedProcess>();
  private checkScheduled = false;
  /** Each instance's status and pid at its last change: a crash goes from running to a new run
   * (or to waiting-restart) without stopping first. */
  private readonly last = new WeakMap<ManagedProcess, { status: ProcessStatus; pid: number | null }>();
  /** Changes of each app's instances, and the dependency states judged at a version. */
  private readonly versions = new Map<string, number>();
  private readonly judged = new Map<string, { version: string; state: DependencyState }>();

  constructor(private readonly deps: GateDeps) {}

  /** Starts (or restarts) `proc` now if its dependencies hold, else holds it until they do. */
  startOrHold(proc: ManagedProcess, type: 'start' | 'restart'): void {
    if (!proc.spec.dependsOn?.length) {
      proc.apply({ type });
      return;
    }
    const state = dependenciesState(proc.spec, (dep) => this.stateOf(dep));
    if (state.met) {
      this.release(proc);
      proc.apply({ type });
      return;
    }
    this.held.add(proc);
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
    if (crashed) this.restartDependents(proc.name);
    if (this.held.size === 0 || this.checkScheduled) return;
    this.checkScheduled = true;
    void this.deps.clock.nextTurn().then(() => {
      this.checkScheduled = false;
      for (const held of [...this.held]) if (this.held.has(held)) this.startOrHold(held, 'start');
    });
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

  /** `app` crashed: dependents with `restart: true` stop, and start again once it holds again. */
  private restartDependents(app: string): void {
    for (const proc of this.deps.all()) {
      if (!proc.spec.dependsOn?.some((dep) => dep.app === app && dep.restart)) continue;
      if (!RUNNING.has(proc.state.status)) continue;
      proc.apply({ type: 'stop' });
      this.startOrHold(proc, 'start');
    }
  }
}
