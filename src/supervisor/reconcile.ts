// What applying a set of app definitions does to the apps the pool holds: a pure diff, so that the
// pool only carries it out. Also the slot arithmetic of a resize, shared by `pm scale`.
import { isDeepStrictEqual } from 'node:util';
import { changedKeys } from '../config/app-spec/describe-change.js';
import type { AppSpec } from '../protocol/app-spec.js';
import { PmError } from '../protocol/errors.js';

/** An app as the pool holds it: its definition and the indexes of its instance slots. */
export interface CurrentApp {
  spec: AppSpec;
  indexes: number[];
}

export interface ReconcilePlan {
  /** Instance slots to create and start, for new apps and for apps that grow. */
  create: Array<{ spec: AppSpec; indexes: number[] }>;
  /** Existing apps whose definition changed: their kept instances restart under it. */
  restart: string[];
  /** Existing apps whose definition is the same: their kept instances are started if down. */
  start: string[];
  /** Existing apps whose instance count changes. */
  resize: Array<{ name: string; from: number; to: number }>;
  /** Instance slots to stop and remove, for apps that shrink. */
  remove: Array<{ name: string; indexes: number[] }>;
}

export interface SlotChange {
  add: number[];
  remove: number[];
}

/** Grow with the lowest free indexes, shrink from the highest. */
export function resizeSlots(indexes: readonly number[], count: number): SlotChange {
  if (count < indexes.length) {
    const highestFirst = [...indexes].sort((a, b) => b - a);
    return { add: [], remove: highestFirst.slice(0, indexes.length - count) };
  }
  const used = new Set(indexes);
  const add: number[] = [];
  for (let index = 0; add.length < count - indexes.length; index++) if (!used.has(index)) add.push(index);
  return { add, remove: [] };
}

/** A new instance count or new pool bounds are a scale, not a new definition: the instances kept run on. */
const sameDefinition = (a: AppSpec, b: AppSpec): boolean =>
  isDeepStrictEqual({ ...a, instances: 0, pool: undefined }, { ...b, instances: 0, pool: undefined });

/** A pooled app applied again keeps the count the autoscaler reached, within the new bounds: a
 * config applied again must not throw its load back onto min_size instances. */
export function keepPoolCounts(
  current: ReadonlyMap<string, CurrentApp>,
  specs: readonly AppSpec[],
): AppSpec[] {
  return specs.map((spec) => {
    const app = current.get(spec.name);
    if (!spec.pool || !app?.spec.pool) return spec;
    const instances = Math.min(spec.pool.maxSize, Math.max(spec.pool.minSize, app.indexes.length));
    return instances === spec.instances ? spec : { ...spec, instances };
  });
}

export function reconcile(
  current: ReadonlyMap<string, CurrentApp>,
  specs: readonly AppSpec[],
): ReconcilePlan {
  const plan: ReconcilePlan = { create: [], restart: [], start: [], resize: [], remove: [] };
  // Two definitions of one name: the last one is the one that holds.
  for (const spec of new Map(specs.map((s) => [s.name, s])).values()) {
    const app = current.get(spec.name);
    if (!app) {
      plan.create.push({ spec, indexes: resizeSlots([], spec.instances).add });
      continue;
    }
    (sameDefinition(app.spec, spec) ? plan.start : plan.restart).push(spec.name);
    if (spec.instances === app.indexes.length) continue;
    plan.resize.push({ name: spec.name, from: app.indexes.length, to: spec.instances });
    const change = resizeSlots(app.indexes, spec.instances);
    if (change.add.length > 0) plan.create.push({ spec, indexes: change.add });
    if (change.remove.length > 0) plan.remove.push({ name: spec.name, indexes: change.remove });
  }
  return plan;
}

/** Where an app's definition came from, in words. */
const origin = (spec: AppSpec) => (spec.source ? spec.source : 'the command line');

/** A config must not silently take over an app of the same name defined elsewhere (the command
 * line, another file): it needs `force`. */
export function refuseReplacing(current: ReadonlyMap<string, CurrentApp>, specs: readonly AppSpec[]): void {
  for (const spec of specs) {
    const app = current.get(spec.name);
    if (!app || app.spec.source === spec.source || spec.source === undefined) continue;
    throw new PmError(
      'conflict',
      `"${spec.name}" runs as defined by ${origin(app.spec)}; ${origin(spec)} defines it too: add --force to replace it, or rename one of them`,
    );
  }
}

/** Per app, what an apply does and why, in the order given. */
export function describeChanges(
  current: ReadonlyMap<string, CurrentApp>,
  specs: readonly AppSpec[],
  plan: ReconcilePlan,
  reload: boolean,
  statusesOf: (name: string) => ReadonlyArray<{ state: { status: string } }>,
): Array<{ app: string; outcome: string }> {
  const resized = new Map(plan.resize.map((r) => [r.name, r]));
  const restarted = new Set(plan.restart);
  return [...new Map(specs.map((s) => [s.name, s])).values()].map((spec) => {
    const app = current.get(spec.name);
    if (!app) return { app: spec.name, outcome: 'created' };
    const parts: string[] = [];
    if (restarted.has(spec.name))
      parts.push(`${reload ? 'reloaded' : 'restarted'} (${changedKeys(app.spec, spec).join(', ')} changed)`);
    const resize = resized.get(spec.name);
    if (resize) parts.push(`scaled ${resize.from} → ${resize.to}`);
    if (parts.length === 0) {
      const statuses = statusesOf(spec.name).map((p) => p.state.status);
      const down = statuses.filter((s) => s === 'stopped' || s === 'errored' || s === 'failed').length;
      parts.push(down > 0 ? `started (${down} of ${statuses.length} were down)` : 'unchanged');
    }
    return { app: spec.name, outcome: parts.join(', ') };
  });
}
