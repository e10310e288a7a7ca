// A home's processes found by the environment pm gives each run (PM_HOME, PM_ID, PM_RUN), read
// with ps instead of /proc: one ps for every environment, one more for the start times of those
// that match (the environment read keeps the user's locale, the table read needs LC_ALL=C).
import type { HomeProcess } from '../home-processes.js';
import { isAlive, type ProcTable } from '../proc-table.js';
import { groupByRun, startedSince } from '../run-groups.js';
import { carriesHome, readEnvirons, variableOf } from './ps-environ.js';
import { readPsTableAsync } from './ps-table.js';

/** The PM_ID and PM_RUN of a process of `home`; null for a process of no home or another. */
export function homeRunOf(environ: string, home: string): { id: number; run: string | null } | null {
  if (!carriesHome(environ, home)) return null;
  const id = Number(variableOf(environ, 'PM_ID') ?? Number.NaN);
  if (!Number.isInteger(id)) return null;
  return { id, run: variableOf(environ, 'PM_RUN') };
}

/** The live processes of runs of this home, except `self`. */
export async function findHomeProcesses(home: string, self = process.pid): Promise<HomeProcess[]> {
  const runs = new Map<number, { id: number; run: string | null }>();
  for (const [pid, environ] of await readEnvirons()) {
    const run = pid === self ? null : homeRunOf(environ, home);
    if (run) runs.set(pid, run);
  }
  const table = await readPsTableAsync([...runs.keys()]);
  const found: HomeProcess[] = [];
  for (const [pid, run] of runs) {
    const entry = table.get(pid);
    if (isAlive(entry)) found.push({ pid, startTime: entry!.startTime, session: 0, ...run });
  }
  return found;
}

/** The PM_RUN of every live process of `table` started since `since` (seconds since the epoch),
 * except `self`: run id → pids. */
export async function runsSince(
  since: number,
  table: ProcTable,
  self = process.pid,
): Promise<Map<string, number[]>> {
  const environs = await readEnvirons(startedSince(table, since, self).map((e) => e.pid));
  return groupByRun([...environs].map(([pid, environ]) => ({ pid, run: variableOf(environ, 'PM_RUN') })));
}
