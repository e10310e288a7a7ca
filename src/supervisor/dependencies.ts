// Whether an app's dependencies hold (depends_on): pure, from the statuses and health of the
// instances it depends on. The pool holds back the instances of an app until they hold, and stops
// dependents before what they depend on.
import type { AppSpec, Dependency } from '../protocol/app-spec.js';
import type { Health, ProcessStatus } from '../protocol/process-info.js';

export interface InstanceView {
  status: ProcessStatus;
  health: Health;
}

export type DependencyState =
  | { met: true }
  /** `blocked`: it cannot hold as things are (the dependency errored or failed); else it may yet. */
  | { met: false; blocked: boolean; why: string };

const RUNNING: ReadonlySet<ProcessStatus> = new Set(['online', 'paused']);

/** One instance against one condition: met, pending, or a reason it cannot be met. */
function judge(dep: Dependency, p: InstanceView): true | null | string {
  if (p.status === 'errored') return `${dep.app} errored`;
  switch (dep.condition) {
    case 'started':
      if (p.status === 'failed') return `${dep.app} failed`;
      return RUNNING.has(p.status) || p.status === 'completed' ? true : null;
    case 'healthy':
      if (p.status === 'failed' || p.status === 'completed') return `${dep.app} is not running`;
      return RUNNING.has(p.status) && p.health === 'healthy' ? true : null;
    case 'completed':
      return p.status === 'completed' || p.status === 'failed' ? true : null;
    case 'completed_successfully':
      if (p.status === 'failed') return `${dep.app} failed`;
      return p.status === 'completed' ? true : null;
  }
}

/** `instances`: those of the app depended on; undefined when no such app is defined. */
export function dependencyState(
  dep: Dependency,
  instances: readonly InstanceView[] | undefined,
): DependencyState {
  if (!instances) return { met: false, blocked: true, why: `${dep.app} is not defined` };
  if (instances.length === 0) return { met: false, blocked: true, why: `${dep.app} has no instances` };
  let pending = false;
  for (const p of instances) {
    const verdict = judge(dep, p);
    if (typeof verdict === 'string') return { met: false, blocked: true, why: verdict };
    if (verdict === null) pending = true;
  }
  return pending ? { met: false, blocked: false, why: `${dep.app} ${dep.condition}` } : { met: true };
}

/** All of an app's dependencies: met, or the first that blocks, or every one still pending. */
export function dependenciesState(
  spec: Pick<AppSpec, 'dependsOn'>,
  stateOf: (dep: Dependency) => DependencyState,
): DependencyState {
  const pending: string[] = [];
  for (const dep of spec.dependsOn ?? []) {
    const state = stateOf(dep);
    if (state.met) continue;
    if (state.blocked) return state;
    pending.push(state.why);
  }
  return pending.length === 0 ? { met: true } : { met: false, blocked: false, why: pending.join(', ') };
}
