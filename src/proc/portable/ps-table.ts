// The process table from `ps`, for hosts without /proc. The keywords below exist in procps-ng,
// macOS and the BSDs; lstart comes last because it holds spaces. RSS comes with the table, so that
// even its first, synchronous read gives memory (pidusage adds CPU time later). With LC_ALL=C and TZ=UTC every
// dialect prints it as `Mon Dec  7 18:32:31 2026`, parsed here by hand into seconds since the
// epoch: with the pid, what identifies a process (the same in every read of it).
import { type ProcEntry, type ProcTable, UNKNOWN_CPU } from '../proc-table.js';
import { type CommandOutput, runCommand, runCommandSync } from './run-command.js';

const FIELDS = ['-o', 'pid=,ppid=,pgid=,stat=,rss=,lstart='];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const LSTART = /^[A-Z][a-z]{2} +([A-Z][a-z]{2}) +(\d{1,2}) +(\d{1,2}):(\d{2}):(\d{2}) +(\d{4})$/;
const LINE = /^\s*(\d+)\s+(\d+)\s+(-?\d+)\s+(\S+)\s+(\d+)\s+(.+?)\s*$/;

/** `Mon Dec  7 18:32:31 2026` (UTC) → seconds since the epoch; null for anything else. */
export function parseLstart(text: string): number | null {
  const match = LSTART.exec(text.trim());
  if (!match) return null;
  const [, month, day, hours, minutes, seconds, year] = match;
  const monthIndex = MONTHS.indexOf(month!);
  if (monthIndex < 0) return null;
  const ms = Date.UTC(Number(year), monthIndex, Number(day), Number(hours), Number(minutes), Number(seconds));
  return ms / 1000;
}

/** One line of `ps -o pid=,ppid=,pgid=,stat=,rss=,lstart=`; null for a line that is not one. */
export function parsePsLine(line: string): ProcEntry | null {
  const match = LINE.exec(line);
  if (!match) return null;
  const [, pid, ppid, pgid, stat, rssKib, lstart] = match;
  const startTime = parseLstart(lstart!);
  if (startTime === null) return null;
  return {
    pid: Number(pid),
    ppid: Number(ppid),
    pgrp: Number(pgid),
    // ps has no session id that all dialects print: 0 is no process's group, so a walk by session finds nothing.
    session: 0,
    state: stat![0]!,
    startTime,
    cpuTicks: UNKNOWN_CPU,
    // KiB in every dialect; the backend's units count memory in bytes.
    rssPages: Number(rssKib) * 1024,
  };
}

export function parsePsTable(text: string): ProcTable {
  const table: ProcTable = new Map();
  for (const line of text.split('\n')) {
    const entry = parsePsLine(line);
    if (entry) table.set(entry.pid, entry);
  }
  return table;
}

function psArgs(pids?: readonly number[]): string[] {
  return pids ? [...FIELDS, '-p', pids.join(',')] : ['-A', ...FIELDS];
}

function psEnv(): NodeJS.ProcessEnv {
  return { ...process.env, LC_ALL: 'C', TZ: 'UTC' };
}

/** Whether the kernel has a process of that pid (a zombie too), without a fork. */
function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * ps exits 1 with nothing on stderr when none of the pids asked for is left: an empty table, not a
 * failure. Any other failure, or a pid ps left out that the kernel still has, throws: "gone" must
 * never be a guess, since a process taken for gone is restarted beside itself or killed.
 */
function toTable({ stdout, stderr, status }: CommandOutput, pids?: readonly number[]): ProcTable {
  if (status !== 0 && !(pids && status === 1 && stderr === ''))
    throw new Error(`ps exited with status ${status}${stderr ? `: ${stderr.trim()}` : ''}`);
  const table = parsePsTable(stdout);
  for (const pid of pids ?? [])
    if (!table.has(pid) && exists(pid)) throw new Error(`ps did not list process ${pid}`);
  return table;
}

/** Reads the table now, blocking; throws when ps cannot run or cannot tell (after one more try).
 * Without `pids`, every process; pids the kernel has no process for are not asked about. */
export function readPsTable(pids?: readonly number[]): ProcTable {
  const asked = pids?.filter(exists);
  if (asked?.length === 0) return new Map();
  const read = () => toTable(runCommandSync('ps', psArgs(asked), { env: psEnv() }), asked);
  try {
    return read();
  } catch {
    return read();
  }
}

/** readPsTable without blocking the event loop (and without the second try: a refresh comes again). */
export async function readPsTableAsync(pids?: readonly number[]): Promise<ProcTable> {
  const asked = pids?.filter(exists);
  if (asked?.length === 0) return new Map();
  return toTable(await runCommand('ps', psArgs(asked), { env: psEnv() }), asked);
}
