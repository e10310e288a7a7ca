// Facts about processes read from /proc, for assertions on real process trees.
import fs from 'node:fs';
import { DAEMON_ENTRY } from '../../src/installed-package.js';
import { isPidAlive, readProcEntry } from '../../src/proc/proc-table.js';
import { processesOf } from './temp-home.js';
import { waitFor } from './wait-for.js';

/** One-letter /proc state (R, S, T, Z, ...), or null when the pid is gone. */
export function procState(pid: number): string | null {
  return readProcEntry(pid)?.state ?? null;
}

/** Gone or a zombie: a zombie has finished running and only waits to be reaped. */
export function isGone(pid: number): boolean {
  return !isPidAlive(pid);
}

/** Waits until the file holds `count` pids, one per line, and returns them. */
export function waitForPids(file: string, count: number): Promise<number[]> {
  return waitFor(
    () => {
      const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n') : [];
      return lines.length >= count ? lines.slice(0, count).map(Number) : null;
    },
    { message: `${count} pids in ${file}` },
  );
}

/** Lines in a file, 0 when it does not exist yet. */
export function lineCount(file: string): number {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').length - 1;
  } catch {
    return 0;
  }
}

/** Live daemon processes serving this home (found by their command line and environment). */
export function daemonPidsOf(home: string): number[] {
  return processesOf(home).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(DAEMON_ENTRY);
    } catch {
      return false;
    }
  });
}

/** The pid recorded in $PM_HOME/daemon.pid, or null. */
export function readDaemonPidFile(home: string): number | null {
  try {
    return Number(fs.readFileSync(`${home}/daemon.pid`, 'utf8').trim()) || null;
  } catch {
    return null;
  }
}
