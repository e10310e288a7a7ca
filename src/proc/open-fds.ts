// Open file descriptors of a set of processes: the entries of each one's /proc/<pid>/fd. A pid
// that is gone (or not readable) counts none.
import fs from 'node:fs';

export function countOpenFds(pids: Iterable<number>): number {
  let count = 0;
  for (const pid of pids) {
    try {
      count += fs.readdirSync(`/proc/${pid}/fd`).length;
    } catch {
      // gone between the listing and the read
    }
  }
  return count;
}
