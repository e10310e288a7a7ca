// The public JSON schema of `pm list --json`: an interface for scripts. Change it only by adding
// fields (docs/cli.md documents every field).
import type { ProcessInfo } from '../../protocol/process-info.js';

export interface ListJsonEntry {
  id: number;
  name: string;
  index: number;
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
  out_log: string;
  err_log: string;
}

export function toListJson(infos: ProcessInfo[], now = Date.now()): ListJsonEntry[] {
  return infos.map((p) => ({
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
  }));
}
