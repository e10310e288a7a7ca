// The apps the pool holds and their instances: selecting by target, and the views that read them
// (describe, the slots of a resize, what reconcile compares with).
import type { AppSpec } from '../protocol/app-spec.js';
import { PmError } from '../protocol/errors.js';
import type { AppDetails } from '../protocol/messages.js';
import { formatTarget, type Target } from '../protocol/target.js';
import type { ManagedProcess } from './managed-process.js';
import type { CurrentApp } from './reconcile.js';

export interface AppEntry {
  spec: AppSpec;
  /** Sorted by index. */
  instances: ManagedProcess[];
}

export class AppTable extends Map<string, AppEntry> {
  /** For each app, the apps that restart when it crashes (depends_on with `restart: true`), made
   * on the first crash after the apps or a definition changed: a crash among 10,000 apps must not
   * look at every definition. */
  private restarting: Map<string, string[]> | null = null;

  override set(name: string, entry: AppEntry): this {
    this.restarting = null;
    return super.set(name, entry);
  }

  override delete(name: string): boolean {
    this.restarting = null;
    return super.delete(name);
  }

  /** An app takes a new definition (the only change of one that can change its depends_on). */
  redefine(entry: AppEntry, spec: AppSpec): void {
    entry.spec = spec;
    this.restarting = null;
  }

  /** The instances of the apps that restart when `app` crashes. */
  restartingWith(app: string): ManagedProcess[] {
    if (!this.restarting) {
      this.restarting = new Map();
      for (const { spec } of this.values()) {
        for (const dep of spec.dependsOn ?? []) {
          if (!dep.restart) continue;
          const names = this.restarting.get(dep.app) ?? [];
          if (!names.includes(spec.name)) names.push(spec.name);
          this.restarting.set(dep.app, names);
        }
      }
    }
    return (this.restarting.get(app) ?? []).flatMap((name) => this.get(name)?.instances ?? []);
  }

  get instanceCount(): number {
    let count = 0;
    for (const app of this.values()) count += app.instances.length;
    return count;
  }

  all(): ManagedProcess[] {
    return [...this.values()].flatMap((app) => app.instances);
  }

  /** The instances a target names; not-found when it names nothing (an app scaled to 0 is something). */
  select(target: Target): ManagedProcess[] {
    const found = this.find(target);
    const definedEmpty = target.kind === 'name' && this.has(target.name);
    if (found.length === 0 && target.kind !== 'all' && !definedEmpty) {
      throw new PmError('not-found', `no process matches "${formatTarget(target)}": see \`pm list\``);
    }
    return found;
  }

  describe(target: Target): Array<Omit<AppDetails, 'isolation'>> {
    const selected = new Set(this.select(target));
    // An app scaled to 0 has no instance to select, yet is defined: `all` and its name show it.
    const named = (app: AppEntry) =>
      app.instances.length === 0 &&
      (target.kind === 'all' || (target.kind === 'name' && target.name === app.spec.name));
    return [...this.values()]
      .filter((app) => named(app) || app.instances.some((p) => selected.has(p)))
      .map((app) => ({
        spec: app.spec,
        instances: app.instances
          .filter((p) => selected.has(p))
          .map((p) => ({ ...p.info(), history: p.restartRecords() })),
      }));
  }

  /** The instances of an app at these indexes, in their order. */
  slots(name: string, indexes: readonly number[]): ManagedProcess[] {
    const byIndex = new Map((this.get(name)?.instances ?? []).map((p) => [p.index, p]));
    return indexes.flatMap((index) => byIndex.get(index) ?? []);
  }

  /** What reconcile compares new definitions with. */
  held(): Map<string, CurrentApp> {
    const held = new Map<string, CurrentApp>();
    for (const [name, { spec, instances }] of this)
      held.set(name, { spec, indexes: instances.map((p) => p.index) });
    return held;
  }

  private find(target: Target): ManagedProcess[] {
    switch (target.kind) {
      case 'all':
        return this.all();
      case 'name':
        return this.get(target.name)?.instances ?? [];
      case 'id':
        return this.all().filter((p) => p.id === target.id);
      case 'instance':
        return (this.get(target.name)?.instances ?? []).filter((p) => p.index === target.index);
    }
  }
}
