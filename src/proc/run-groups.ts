// What both backends' runsSince share: which processes may carry a run's mark, and the marks found
// gathered by run.
import { isAlive, type ProcEntry, type ProcTable } from './proc-table.js';

/** Live processes of `table` started since `since` (a start time of the same backend), except `self`. */
export function startedSince(table: ProcTable, since: number, self: number): ProcEntry[] {
  return [...table.values()].filter((e) => isAlive(e) && e.startTime >= since && e.pid !== self);
}

/** Run id → pids, from each process's PM_RUN (none: not a run's). */
export function groupByRun(
  found: Iterable<{ pid: number; run: string | null | undefined }>,
): Map<string, number[]> {
  const runs = new Map<string, number[]>();
  for (const { pid, run } of found) {
    if (!run) continue;
    const pids = runs.get(run);
    if (pids) pids.push(pid);
    else runs.set(run, [pid]);
  }
  return runs;
}
