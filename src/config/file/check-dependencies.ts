// depends_on: read from its two forms (a map of app → condition, a list of apps) and checked across
// the apps of the file: an unknown app (with a did-you-mean), a condition the app depended on can
// never meet, and a cycle, which the error names whole (`a → b → c → a`).
import type { Dependency } from '../../protocol/app-spec.js';
import { quoteText } from '../../protocol/escape-text.js';
import type { AppEntry } from './config-format.js';
import { suggestKey } from './suggest-key.js';

/** A dependency and the key path it was read from (where an error about it points). */
export interface DependencyAt extends Dependency {
  at: string;
}

export interface DependencyNode {
  name: string;
  /** The app's key path (`apps[2]`). */
  at: string;
  task: boolean;
  /** It has a health probe: `healthy` can be met. */
  probed: boolean;
  dependsOn: DependencyAt[];
}

export function readDependsOn(app: AppEntry, at: string): DependencyAt[] {
  const given = app.depends_on;
  if (given === undefined) return [];
  if (Array.isArray(given)) {
    return given.map((name, i) => ({
      app: name,
      condition: 'started',
      restart: false,
      at: `${at}.depends_on[${i}]`,
    }));
  }
  return Object.entries(given).map(([name, value]) => ({
    app: name,
    condition: typeof value === 'string' ? value : value.condition,
    restart: typeof value === 'string' ? false : value.restart === true,
    at: `${at}.depends_on.${name}`,
  }));
}

/** Why `dep` can never be met by `target`, or null. */
function unmeetable(dep: Dependency, target: DependencyNode): string | null {
  if (dep.condition === 'healthy' && !target.probed)
    return `${target.name} has no health probe, so it is never healthy: add one (health:) or wait for started`;
  if ((dep.condition === 'completed' || dep.condition === 'completed_successfully') && !target.task)
    return `${target.name} is not a task (type: task), so it never completes: wait for started or healthy`;
  return null;
}

/** The first cycle found, as the names along it (the first name again at the end), or null. */
function findCycle(nodes: ReadonlyMap<string, DependencyNode>): string[] | null {
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const visit = (name: string): string[] | null => {
    if (onPath.has(name)) return [...path.slice(path.indexOf(name)), name];
    if (done.has(name)) return null;
    onPath.add(name);
    path.push(name);
    for (const dep of nodes.get(name)?.dependsOn ?? []) {
      // An unknown app, or the app itself, is reported on its own.
      if (!nodes.has(dep.app) || dep.app === name) continue;
      const cycle = visit(dep.app);
      if (cycle) return cycle;
    }
    path.pop();
    onPath.delete(name);
    done.add(name);
    return null;
  };
  for (const name of nodes.keys()) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return null;
}

export function checkDependencies(
  list: readonly DependencyNode[],
  report: (keyPath: string, message: string) => void,
): void {
  const nodes = new Map(list.map((node) => [node.name, node]));
  const names = [...nodes.keys()];
  for (const node of list) {
    for (const dep of node.dependsOn) {
      const target = nodes.get(dep.app);
      if (dep.app === node.name) {
        report(dep.at, `found ${quoteText(dep.app)}, the app itself: an app cannot depend on itself`);
      } else if (!target) {
        const near = suggestKey(dep.app, names);
        report(
          dep.at,
          `found ${quoteText(dep.app)}, expected an app of this file${near ? `: did you mean "${near}"?` : ` (${names.join(', ')})`}`,
        );
      } else {
        const why = unmeetable(dep, target);
        if (why) report(dep.at, `${dep.condition}: ${why}`);
      }
    }
  }
  const cycle = findCycle(nodes);
  if (cycle) {
    const first = nodes.get(cycle[0]!)!;
    report(
      `${first.at}.depends_on`,
      `found a dependency cycle: ${cycle.join(' → ')}; no app of it could start`,
    );
  }
}
