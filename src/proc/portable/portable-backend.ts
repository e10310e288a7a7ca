// The process-table backend for hosts without /proc (macOS, the BSDs; on Linux only when forced,
// for tests): ps for the table and the environments, pidusage for CPU and memory, lsof for
// descriptors, tree-kill for trees. It never reads /proc itself.
import treeKill from 'tree-kill';
import type { ProcBackend } from '../proc-backend.js';
import { findHomeProcesses, runsSince } from './home-processes.js';
import { countOpenFds, fdTargets } from './open-files.js';
import { PsSnapshotSource } from './ps-snapshot-source.js';
import { readPsTable } from './ps-table.js';

// ps forks at every check of a stop: a tenth of a second is often enough.
const REAP_INTERVAL_MS = 100;

export function createPortableBackend(): ProcBackend {
  return {
    name: 'portable',
    readTable: () => readPsTable(),
    readEntries: (pids) => readPsTable(pids),
    snapshotSource: () => new PsSnapshotSource(),
    // pidusage gives CPU time in ms; ps-table.ts turns RSS into bytes.
    units: () => ({ ticksPerSecond: 1000, pageBytes: 1 }),
    findHomeProcesses: (home) => findHomeProcesses(home),
    runsSince: (since, table) => runsSince(since, table),
    countOpenFds,
    fdTargets,
    killTrees: (pids) => {
      // tree-kill finds the descendants when called; an error means the process is already gone.
      for (const pid of pids) treeKill(pid, 'SIGKILL', () => {});
    },
    reapIntervalMs: REAP_INTERVAL_MS,
  };
}
