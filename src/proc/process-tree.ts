// The process table read from /proc: the source for whole-tree stop, pause and metrics. One scan
// serves every instance, instead of one `ps` per app (tree-kill spawns `ps` per level of the tree).
import fs from 'node:fs';

export interface ProcEntry {
  pid: number;
  ppid: number;
  pgrp: number;
  /** One-letter state from /proc/<pid>/stat: R, S, D, T, Z, ... */
  state: string;
  /** Clock ticks since boot: with the pid it identifies a process, since pids are reused. */
  startTime: number;
  /** CPU time used so far (user + system), in clock ticks. */
  cpuTicks: number;
  /** Resident set size, in pages. */
  rssPages: number;
}

export type ProcTable = Map<number, ProcEntry>;

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

/** A zombie has finished running: it holds no resources but its exit status. */
export function isAlive(entry: ProcEntry | null | undefined): boolean {
  return entry != null && entry.state !== 'Z' && entry.state !== 'X';
}

export function isPidAlive(pid: number): boolean {
  return isAlive(readProcEntry(pid));
}

/** Every live process of an instance: its process group plus all descendants of `roots` and of the group. */
export function treePids(table: ProcTable, pgid: number, roots: Iterable<number> = []): number[] {
  const children = new Map<number, number[]>();
  const found = new Set<number>();
  for (const entry of table.values()) {
    if (!isAlive(entry)) continue;
    const list = children.get(entry.ppid);
    if (list) list.push(entry.pid);
    else children.set(entry.ppid, [entry.pid]);
    if (entry.pgrp === pgid) found.add(entry.pid);
  }
  const queue = [...found];
  for (const root of roots) {
    if (isAlive(table.get(root)) && !found.has(root)) {
      queue.push(root);
      found.add(root);
    }
  }
  while (queue.length > 0) {
    for (const child of children.get(queue.pop()!) ?? []) {
      if (!found.has(child)) {
        found.add(child);
        queue.push(child);
      }
    }
  }
  return [...found];
}

/** Sends a signal to each pid; a pid that is already gone is not an error. */
export function signalPids(pids: Iterable<number>, signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // ESRCH: gone between the scan and the signal.
    }
  }
}

/** True when some process (possibly a zombie) is still in the group. */
export function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
