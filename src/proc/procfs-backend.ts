// The process-table work from /proc, on Linux: the table is one scan that serves every instance,
// environments and descriptors are read from each process's files.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { findHomeProcesses, runsSince } from './home-processes.js';
import { countOpenFds, readFdTargets } from './open-fds.js';
import type { ProcBackend } from './proc-backend.js';
import { procSource } from './proc-snapshot.js';
import { type ProcTable, readProcEntry, readProcTable, readProcTableInSlices } from './proc-table.js';

function getconf(name: string, fallback: number): number {
  try {
    return Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim()) || fallback;
  } catch {
    return fallback;
  }
}

/** Whether this host has a /proc to read. */
export const hasProcfs = (): boolean => fs.existsSync('/proc/self/stat');

export function createProcfsBackend(): ProcBackend {
  // Read at the first sample, not at start: two getconf processes would delay the daemon's
  // start-up (and every command that starts it).
  let units: { ticksPerSecond: number; pageBytes: number } | null = null;
  return {
    name: 'procfs',
    readTable: readProcTable,
    readTableAsync: readProcTableInSlices,
    readEntries: (pids) => {
      const table: ProcTable = new Map();
      for (const pid of pids) {
        const entry = readProcEntry(pid);
        if (entry) table.set(pid, entry);
      }
      return table;
    },
    snapshotSource: procSource,
    units: () => {
      units ??= { ticksPerSecond: getconf('CLK_TCK', 100), pageBytes: getconf('PAGESIZE', 4096) };
      return units;
    },
    findHomeProcesses: (home) => findHomeProcesses(home),
    runsSince: (since, table) => runsSince(since, table),
    countOpenFds,
    fdTargets: readFdTargets,
    // A stop polls its tree often: one /proc scan a tick serves every stop at once.
    reapIntervalMs: 20,
    exitPollMs: 200,
  };
}
