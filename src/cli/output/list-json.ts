// The public JSON schema of `pm list --json`: an interface for scripts. Change it only by adding
// fields (docs/cli.md documents every field).
import type { ProcessInfo } from '../../protocol/process-info.js';

export interface ListJsonEntry {
  /** Null only in the entry of an app with no instance. */
  id: number | null;
  name: string;
  /** Null only in the entry of an app with no instance. */
  index: number | null;
  pid: number | null;
  state: ProcessInfo['status'];
  health: ProcessInfo['health'];
  restarts: number;
  uptime_ms: number | null;
  /** Percent of one core, summed over the process tree. */
  cpu: number | null;
  /** Resident bytes, summed over the process tree. */
  memory: number | null;
  reason: string;
  exit_code: number | null;
  exit_signal: string | null;
  out_log: string | null;
  err_log: string | null;
  /** How many instances the app has: 0 in the one entry of an app defined with, or scaled to, 0. */
  instances: number;
  /** A pooled app's min_size; null for a fixed count. */
  pool_min: number | null;
  /** A pooled app's max_size; null for a fixed count. */
  pool_max: number | null;
}

/** Pooled apps' bounds, by app name. */
export type PoolBoundsByApp = ReadonlyMap<string, { minSize: number; maxSize: number }>;

// An app scaled to 0 is still defined (`pm scale` brings it back, `pm delete` removes it): one
// entry says so, with every field that belongs to an instance null.
function emptyAppEntry(name: string, pools: PoolBoundsByApp): ListJsonEntry {
  return {
    id: null,
    name,
    index: null,
    pid: null,
    state: 'stopped',
    health: 'unknown',
    restarts: 0,
    uptime_ms: null,
    cpu: null,
    memory: null,
    reason: '',
    exit_code: null,
    exit_signal: null,
    out_log: null,
    err_log: null,
    instances: 0,
    pool_min: pools.get(name)?.minSize ?? null,
    pool_max: pools.get(name)?.maxSize ?? null,
  };
}

/** The instances, then one entry per app in `emptyApps` (the apps with no instance). */
export function toListJson(
  infos: ProcessInfo[],
  now = Date.now(),
  emptyApps: readonly string[] = [],
  pools: PoolBoundsByApp = new Map(),
): ListJsonEntry[] {
  const counts = new Map<string, number>();
  for (const p of infos) counts.set(p.name, (counts.get(p.name) ?? 0) + 1);
  const instances = infos.map((p) => ({
    id: p.id,
    name: p.name,
    index: p.index,
    pid: p.pid,
    state: p.status,
    health: p.health,
    restarts: p.restarts,
    uptime_ms: p.startedAt === null ? null : Math.max(0, now - p.startedAt),
    cpu: p.cpuPercent,
    memory: p.memoryBytes,
    reason: p.reason,
    exit_code: p.lastExit?.code ?? null,
    exit_signal: p.lastExit?.signal ?? null,
    out_log: p.outLog,
    err_log: p.errLog,
    instances: counts.get(p.name)!,
    pool_min: pools.get(p.name)?.minSize ?? null,
    pool_max: pools.get(p.name)?.maxSize ?? null,
  }));
  return [...instances, ...emptyApps.map((name) => emptyAppEntry(name, pools))];
}
