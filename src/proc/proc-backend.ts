// The process-table work behind one interface: read the table (to find a tree), sample CPU and
// memory, find a home's processes by their environment, kill a tree, tell whether a pid is still
// the same process. Two backends: /proc on Linux (procfs-backend.ts: one scan serves every
// instance) and `ps`, pidusage and tree-kill on hosts without /proc (portable/).
// Chosen once at daemon start (choose-backend.ts).
import type { HomeProcess } from './home-processes.js';
import type { ProcSource } from './proc-snapshot.js';
import { isAlive, type ProcEntry, type ProcTable } from './proc-table.js';

export type ProcBackendName = 'procfs' | 'portable';

export interface ProcBackend {
  readonly name: ProcBackendName;
  /** Every process, read now. */
  readTable(): ProcTable;
  /** Every process, read without holding the event loop (a slice of /proc per turn, or ps in the
   * background). */
  readTableAsync(): Promise<ProcTable>;
  /** These processes, read now (with one read for all of them where the backend can); a pid that
   * is gone is absent. Throws when it cannot tell (ps could not run, or left out a live pid). */
  readEntries(pids: readonly number[]): ProcTable;
  /** The monitor's source of the table, kept from tick to tick (proc-snapshot.ts). */
  snapshotSource(): ProcSource;
  /** What a ProcEntry's cpuTicks and rssPages count: ticks per second of CPU time, bytes per page. */
  units(): { ticksPerSecond: number; pageBytes: number };
  /** The live processes of runs of this home, found by their environment (PM_HOME, PM_ID, PM_RUN),
   * except the daemon itself. */
  findHomeProcesses(home: string): Promise<HomeProcess[]>;
  /** The PM_RUN of every live process of `table` started since `since` (a start time), except the
   * daemon: run id → pids. */
  runsSince(since: number, table: ProcTable): Promise<Map<string, number[]>>;
  /** Open file descriptors of each pid, read at once (a pid gone is absent); null where the host
   * cannot tell. */
  countOpenFds(pids: readonly number[]): Map<number, number> | null;
  /** Where each process's descriptors point (paths), read at once; a pid whose cannot be read is
   * absent. */
  fdTargets(pids: readonly number[]): Map<number, string[]>;
  /** SIGKILL to each pid and to every descendant found at this moment, for the kill timeout of a
   * run without a cgroup; absent where the caller's own scan already reaches the same processes. */
  killTrees?(pids: Iterable<number>): void;
  /** How often a stop checks whether the tree is gone. */
  readonly reapIntervalMs: number;
  /** How often the processes adopted from an earlier daemon are checked for their exit. */
  readonly exitPollMs: number;
}

/** One process as the backend reads it now; null when it is gone. Throws when the backend cannot
 * tell now (ps could not run): never a guess that it is gone. */
const entryOf = (backend: ProcBackend, pid: number): ProcEntry | null =>
  backend.readEntries([pid]).get(pid) ?? null;

/** Whether the pid is a live (not zombie) process; throws when the backend cannot tell. */
export const isPidAliveIn = (backend: ProcBackend, pid: number): boolean => isAlive(entryOf(backend, pid));

/** The start time of a live process: with its pid, what tells it from a later one; null when none.
 * Throws when the backend cannot tell. */
export function liveStartTimeIn(backend: ProcBackend, pid: number): number | null {
  const entry = entryOf(backend, pid);
  return isAlive(entry) ? entry!.startTime : null;
}
