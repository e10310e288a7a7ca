// A process table entry, and the table read from /proc (the procfs backend's): the source for
// whole-tree stop, pause and metrics. One scan serves every instance, instead of one `ps` per app
// (tree-kill spawns `ps` per level of the tree); proc-index.ts walks it.
import fs from 'node:fs';

export interface ProcEntry {
  pid: number;
  ppid: number;
  pgrp: number;
  /** Session id: an instance's main process leads its own session (setsid), so a descendant that
   * left the process group with setpgid is still found by it. */
  session: number;
  /** One-letter state from /proc/<pid>/stat: R, S, D, T, Z, ... */
  state: string;
  /** Clock ticks since boot (seconds since the epoch from ps): with the pid it identifies a
   * process, since pids are reused. */
  startTime: number;
  /** CPU time used so far (user + system), in clock ticks (the backend's units); UNKNOWN_CPU where
   * it is not known yet (ps's table, before pidusage has read it). */
  cpuTicks: number;
  /** Resident set size, in pages (the backend's units). */
  rssPages: number;
}

export type ProcTable = Map<number, ProcEntry>;

export const UNKNOWN_CPU = -1;

export function parseStat(pid: number, text: string): ProcEntry | null {
  // The command name may contain spaces and parentheses: fields start after the last ')'.
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const fields = text.slice(close + 2).split(' ');
  return {
    pid,
    state: fields[0]!,
    ppid: Number(fields[1]),
    pgrp: Number(fields[2]),
    session: Number(fields[3]),
    startTime: Number(fields[19]),
    cpuTicks: Number(fields[11]) + Number(fields[12]),
    rssPages: Number(fields[21]),
  };
}

export function readProcEntry(pid: number): ProcEntry | null {
  try {
    return parseStat(pid, fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

export function readProcTable(): ProcTable {
  const table: ProcTable = new Map();
  for (const name of fs.readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const entry = readProcEntry(pid);
    if (entry) table.set(pid, entry);
  }
  return table;
}

/** Stat files read in one event-loop turn by readProcTableInSlices: 2-3 ms of reads. */
const TABLE_SLICE = 128;

/** readProcTable, TABLE_SLICE processes per event-loop turn: at 1000 instances the whole scan
 * holds the loop for 10-20 ms, 40-80 ms on a loaded machine. */
export async function readProcTableInSlices(
  nextTurn: () => Promise<void> = () => new Promise((resolve) => setImmediate(resolve)),
  slice = TABLE_SLICE,
): Promise<ProcTable> {
  const pids = (await fs.promises.readdir('/proc')).map(Number).filter(Number.isInteger);
  const table: ProcTable = new Map();
  for (let i = 0; i < pids.length; i += slice) {
    if (i > 0) await nextTurn();
    for (const pid of pids.slice(i, i + slice)) {
      const entry = readProcEntry(pid);
      if (entry) table.set(pid, entry);
    }
  }
  return table;
}

/** A zombie has finished running: it holds no resources but its exit status. */
export function isAlive(entry: ProcEntry | null | undefined): boolean {
  return entry != null && entry.state !== 'Z' && entry.state !== 'X';
}
