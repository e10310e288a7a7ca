// Which cgroups this daemon can use, found once at start: the v2 hierarchy (membership, cgroup.kill,
// cgroup.freeze, CPU time, and the controllers it has), the v1 controllers beside it on a hybrid
// host, or none, and why. pm's cgroups live in one directory per home under each hierarchy.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { IsolationInfo } from '../protocol/messages.js';

/** The v1 controllers pm uses: limits (memory, pids, cpu), CPU time (cpuacct) and pause (freezer). */
export const V1_CONTROLLERS = ['memory', 'pids', 'cpu', 'cpuacct', 'freezer'] as const;
export type V1Controller = (typeof V1_CONTROLLERS)[number];

/** The v2 controllers pm enables for its cgroups where the hierarchy has them. */
const V2_CONTROLLERS = ['memory', 'pids', 'cpu'] as const;
export type V2Controller = (typeof V2_CONTROLLERS)[number];

export interface CgroupHost {
  /** `v2`: the unified hierarchy only; `hybrid`: v2 and v1 controllers; `v1`; `none`: process groups. */
  mode: 'v2' | 'hybrid' | 'v1' | 'none';
  /** Why there are no cgroups (mode none), or what is missing; empty when nothing is. */
  reason: string;
  /** pm's directory for this home in the v2 hierarchy; null when it cannot be used. */
  unified: string | null;
  /** Controllers enabled below `unified`. */
  v2Controllers: ReadonlySet<V2Controller>;
  /** pm's directory for this home under each usable v1 controller. */
  v1: Readonly<Partial<Record<V1Controller, string>>>;
}

export const NO_CGROUPS = (reason: string): CgroupHost => ({
  mode: 'none',
  reason,
  unified: null,
  v2Controllers: new Set(),
  v1: {},
});

export interface DetectOptions {
  /** Where the hierarchies are mounted: /sys/fs/cgroup, or PM_CGROUP_ROOT (tests, odd hosts). */
  root: string;
  /** The resolved home: pm's cgroups of two homes never meet. */
  home: string;
  /** The daemon's uid: only root creates cgroups outside its own (a delegated v2 subtree). */
  uid: number;
  /** The daemon's own v2 cgroup ("0::/path" of /proc/self/cgroup), for a delegated subtree. */
  ownCgroup: string | null;
}

/** Short and the same for every daemon of a home: a directory name, not a secret. */
export const homeTag = (home: string): string =>
  `pm-${createHash('sha256').update(home).digest('hex').slice(0, 12)}`;

const exists = (file: string): boolean => fs.existsSync(file);

/** Makes `dir` in a hierarchy; false when it refuses us (read-only, not ours). */
function makeDir(dir: string): boolean {
  try {
    fs.mkdirSync(dir, { recursive: true });
    return true;
  } catch {
    return false;
  }
}

/** Turns on what it can of `wanted` for the children of `dir`; returns what is on. */
function enableControllers(dir: string, wanted: readonly V2Controller[]): Set<V2Controller> {
  const on = new Set<V2Controller>();
  let available: string[];
  try {
    available = fs.readFileSync(path.join(dir, 'cgroup.controllers'), 'utf8').trim().split(/\s+/);
  } catch {
    return on;
  }
  for (const controller of wanted) {
    if (!available.includes(controller)) continue;
    try {
      fs.writeFileSync(path.join(dir, 'cgroup.subtree_control'), `+${controller}`);
      on.add(controller);
    } catch {
      // Busy (processes in dir) or not delegated: that controller's limits are not enforceable.
    }
  }
  return on;
}

function detectUnified(
  mount: string,
  options: DetectOptions,
): { dir: string; controllers: Set<V2Controller> } | null {
  if (!exists(path.join(mount, 'cgroup.controllers'))) return null;
  const tag = homeTag(options.home);
  if (options.uid === 0) {
    const dir = path.join(mount, tag);
    if (!makeDir(dir)) return null;
    const atRoot = enableControllers(mount, V2_CONTROLLERS);
    return { dir, controllers: enableControllers(dir, [...atRoot]) };
  }
  // Not root: only a subtree delegated to us (systemd's Delegate=yes) is ours to divide.
  if (!options.ownCgroup) return null;
  const own = path.join(mount, options.ownCgroup);
  try {
    fs.accessSync(path.join(own, 'cgroup.procs'), fs.constants.W_OK);
  } catch {
    return null;
  }
  const dir = path.join(own, tag);
  if (!makeDir(dir)) return null;
  const delegated = enableControllers(own, V2_CONTROLLERS);
  return { dir, controllers: enableControllers(dir, [...delegated]) };
}

function detectV1(root: string, options: DetectOptions): Partial<Record<V1Controller, string>> {
  const found: Partial<Record<V1Controller, string>> = {};
  if (options.uid !== 0) return found; // v1 has no safe delegation: root only
  for (const controller of V1_CONTROLLERS) {
    const mount = path.join(root, controller);
    if (!exists(path.join(mount, 'cgroup.procs'))) continue;
    const dir = path.join(mount, homeTag(options.home));
    if (makeDir(dir)) found[controller] = dir;
  }
  return found;
}

/** Whether the v1 memory controller counts OOM kills (memory.oom_control's `oom_kill` line). */
function oomKillsCounted(dir: string): boolean {
  try {
    return /^oom_kill /m.test(fs.readFileSync(path.join(path.dirname(dir), 'memory.oom_control'), 'utf8'));
  } catch {
    return false;
  }
}

export function detectCgroups(options: DetectOptions): CgroupHost {
  const { root } = options;
  if (!exists(root)) return NO_CGROUPS(`${root} does not exist`);
  // Pure v2 is mounted at the root; a hybrid host has it at root/unified beside the v1 controllers.
  const pureV2 = exists(path.join(root, 'cgroup.controllers'));
  const unified = detectUnified(pureV2 ? root : path.join(root, 'unified'), options);
  const v1 = pureV2 ? {} : detectV1(root, options);
  const hasV1 = Object.keys(v1).length > 0;
  if (!unified && !hasV1) {
    const why =
      options.uid === 0
        ? `no cgroup hierarchy under ${root} lets pm create its cgroups (read-only or absent)`
        : 'the daemon is not root and its cgroup is not delegated to it (systemd: Delegate=yes)';
    return NO_CGROUPS(why);
  }
  const mode = unified ? (hasV1 ? 'hybrid' : 'v2') : 'v1';
  const missing = [
    ...V2_CONTROLLERS.filter((c) => !unified?.controllers.has(c) && !v1[c]),
    ...(!unified && !v1.freezer ? ['freezer'] : []),
  ];
  const lacks = [
    ...(missing.length > 0 ? [`no ${missing.join(', ')} controller`] : []),
    // v1 before Linux 4.13 counts no OOM kills: a hard_memory breach would go unreported.
    ...(!unified?.controllers.has('memory') && v1.memory && !oomKillsCounted(v1.memory)
      ? [
          'no OOM kill count in memory.oom_control (kernel before 4.13): hard_memory breaches are not reported',
        ]
      : []),
  ];
  return {
    mode,
    reason: lacks.join('; '),
    unified: unified?.dir ?? null,
    v2Controllers: unified?.controllers ?? new Set(),
    v1,
  };
}

/** The daemon's v2 cgroup path from /proc/self/cgroup, or null (no v2, or not Linux). */
export function ownUnifiedCgroup(): string | null {
  try {
    const line = fs
      .readFileSync('/proc/self/cgroup', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('0::'));
    return line ? line.slice(3) : null;
  } catch {
    return null;
  }
}

const MECHANISM = {
  v2: 'cgroup-v2',
  hybrid: 'cgroup-hybrid',
  v1: 'cgroup-v1',
  none: 'process-groups',
} as const satisfies Record<CgroupHost['mode'], IsolationInfo['mechanism']>;

export const isolationInfo = (host: CgroupHost): IsolationInfo => ({
  mechanism: MECHANISM[host.mode],
  reason: host.reason,
  summary: describeHost(host),
});

/** One line for `pm ping`: which mechanism isolates instances, and what it lacks. */
export function describeHost(host: CgroupHost): string {
  if (host.mode === 'none') return `process groups (no cgroups: ${host.reason})`;
  const v1 = Object.keys(host.v1).join(', ');
  const kind =
    host.mode === 'v2' ? 'cgroup v2' : host.mode === 'v1' ? `cgroup v1 (${v1})` : `cgroup v2 + v1 (${v1})`;
  return host.reason ? `${kind}; ${host.reason}` : kind;
}
