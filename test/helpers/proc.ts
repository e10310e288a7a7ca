// Facts about processes read from /proc, for assertions on real process trees.
import fs from 'node:fs';
import { DAEMON_ENTRY } from '../../src/installed-package.js';
import { readProcEntry, readProcTable } from '../../src/proc/proc-table.js';
import { isPidAlive } from './proc-entry.js';
import { processesOf } from './temp-home.js';
import { waitFor } from './wait-for.js';

/** One-letter /proc state (R, S, T, Z, ...), or null when the pid is gone. */
export function procState(pid: number): string | null {
  return readProcEntry(pid)?.state ?? null;
}

/** Stopped (SIGSTOP: state T), or frozen in its cgroup (v2 cgroup.freeze, v1 freezer): pause does
 * one or the other, as the host allows. */
export function isFrozen(pid: number): boolean {
  if (procState(pid) === 'T') return true;
  let cgroups: string[];
  try {
    cgroups = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n');
  } catch {
    return false;
  }
  const read = (file: string): string => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };
  for (const line of cgroups) {
    const [, controllers, dir] = line.split(':');
    if (controllers === '' && dir !== '/') {
      const v2 = fs.existsSync('/sys/fs/cgroup/cgroup.controllers')
        ? '/sys/fs/cgroup'
        : '/sys/fs/cgroup/unified';
      if (read(`${v2}${dir}/cgroup.events`).includes('frozen 1')) return true;
    }
    if (controllers === 'freezer' && read(`/sys/fs/cgroup/freezer${dir}/freezer.state`).trim() === 'FROZEN')
      return true;
  }
  return false;
}

/** Gone or a zombie: a zombie has finished running and only waits to be reaped. */
export function isGone(pid: number): boolean {
  return !isPidAlive(pid);
}

/** Waits until the file holds `count` pids, one per line, and returns them. */
export function waitForPids(file: string, count: number): Promise<number[]> {
  return waitFor(
    () => {
      // Not an empty line: a shell's `>>` makes the file before it writes the pid into it.
      const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
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

/** A daemon's fork helpers: its children that run forker/main.js. */
export function forkHelpersOf(daemon: number): number[] {
  return [...readProcTable().values()]
    .filter((entry) => entry.ppid === daemon)
    .map((entry) => entry.pid)
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('forker/main.js');
      } catch {
        return false;
      }
    });
}
