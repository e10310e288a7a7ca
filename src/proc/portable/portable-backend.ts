// The process-table backend for hosts without /proc (macOS, the BSDs; on Linux only when forced,
// for tests): ps for the table and the environments, pidusage for CPU and memory, lsof for
// descriptors, tree-kill for trees. It never reads /proc itself.
import treeKill from 'tree-kill';
import type { ProcBackend } from '../proc-backend.js';
import { findHomeProcesses, runsSince } from './home-processes.js';
import { countOpenFds, fdTargets } from './open-files.js';
import { PsSnapshotSource } from './ps-snapshot-source.js';
import { readPsTable, readPsTableAsync } from './ps-table.js';

// ps forks at every check of a stop: a tenth of a second is often enough.
const REAP_INTERVAL_MS = 100;
// A ps holds the loop 5-10 ms: once a second for the adopted processes, not five times.
const EXIT_POLL_MS = 1000;

export function createPortableBackend(): ProcBackend {
  return {
    name: 'portable',
    readTable: () => readPsTable(),
    readTableAsync: () => readPsTableAsync(),
    readEntries: (pids) => readPsTable(pids),
    snapshotSource: () => new PsSnapshotSource(),
    // pidusage gives CPU time in ms; ps-table.ts turns RSS into bytes.
    units: () => ({ ticksPerSecond: 1000, pageBytes: 1 }),
    findHomeProcesses: (home) => findHomeProcesses(home),
    runsSince: (since, table) => runsSince(since, table),
    countOpenFds,
    fdTargets,
    killTrees: (pids) => {
      // tree-kill finds the descendants when called; an error means the process is already gone,
      // and one it throws (out of descriptors for its ps) must not skip the caller's own SIGKILL.
      for (const pid of pids) {
        try {
          treeKill(pid, 'SIGKILL', () => {});
        } catch {
          return;
        }
      }
    },
    reapIntervalMs: REAP_INTERVAL_MS,
    exitPollMs: EXIT_POLL_MS,
  };
}
