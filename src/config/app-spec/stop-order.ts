// The order to stop apps in: dependents before what they depend on (depends_on). Shared by the
// daemon (stop all, kill, delete) and the CLI (stop or delete of a config file's apps, one by one).
import type { AppSpec } from '../../protocol/app-spec.js';

/** The apps in the order to stop them: each after every app of the set that depends on it. */
export function stopOrder<T extends { spec: Pick<AppSpec, 'name' | 'dependsOn'> }>(
  items: readonly T[],
): T[][] {
  if (!items.some((item) => item.spec.dependsOn?.length)) return [[...items]];
  const names = new Set(items.map((item) => item.spec.name));
  // An app's wave: one more than the deepest wave of the apps of the set that depend on it.
  const dependents = new Map<string, Set<string>>();
  for (const item of items) {
    for (const dep of item.spec.dependsOn ?? []) {
      if (!names.has(dep.app)) continue;
      const set = dependents.get(dep.app) ?? new Set<string>();
      set.add(item.spec.name);
      dependents.set(dep.app, set);
    }
  }
  const wave = new Map<string, number>();
  const waveOf = (name: string, seen: Set<string>): number => {
    const known = wave.get(name);
    if (known !== undefined) return known;
    if (seen.has(name)) return 0; // a cycle (a config refuses them; a state file could hold one)
    seen.add(name);
    let value = 0;
    for (const dependent of dependents.get(name) ?? []) value = Math.max(value, waveOf(dependent, seen) + 1);
    wave.set(name, value);
    return value;
  };
  const waves: T[][] = [];
  for (const item of items) {
    const w = waveOf(item.spec.name, new Set());
    const bucket = waves[w] ?? [];
    bucket.push(item);
    waves[w] = bucket;
  }
  return waves.filter(Boolean);
}
