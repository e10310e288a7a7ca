// Open file descriptors of processes from /proc/<pid>/fd: how many (for limits.max_fds) and where
// they point (a stale run's pipe writers). A pid that is gone (or not readable) has none.
import fs from 'node:fs';

export function countOpenFds(pids: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const pid of pids) {
    try {
      counts.set(pid, fs.readdirSync(`/proc/${pid}/fd`).length);
    } catch {
      // gone between the listing and the read
    }
  }
  return counts;
}

function fdTargetsOf(pid: number): string[] | null {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      try {
        return [fs.readlinkSync(`/proc/${pid}/fd/${fd}`)];
      } catch {
        return [];
      }
    });
  } catch {
    return null;
  }
}

export function readFdTargets(pids: readonly number[]): Map<number, string[]> {
  const targets = new Map<number, string[]>();
  for (const pid of pids) {
    const found = fdTargetsOf(pid);
    if (found) targets.set(pid, found);
  }
  return targets;
}
