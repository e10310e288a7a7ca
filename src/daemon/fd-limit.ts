// The daemon holds descriptors for the instances whose apps write (a pipe and a log file each), the
// /proc and cgroup files its sampler keeps open, and one per connection: at start it raises its own
// soft open-file limit to the hard one, so that thousands of instances do not run into a soft
// limit of 1024. Node has no setrlimit; prlimit(1) (util-linux) sets it from outside, once, off
// the daemon's loop.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { parseProcLimits, type ResourceLimit } from '../config/proc-limits.js';
import { setOwnFdLimit } from '../proc/own-fd-limit.js';

export type FdLimits = ResourceLimit;

/** The open-file limits in /proc/<pid>/limits; `unlimited` reads as Infinity. */
export function parseFdLimits(text: string): FdLimits | null {
  return parseProcLimits(text).get('Max open files') ?? null;
}

/** The daemon's open-file limits; null where /proc does not say (a host without it). */
export function readFdLimits(limitsFile = '/proc/self/limits'): FdLimits | null {
  try {
    return parseFdLimits(fs.readFileSync(limitsFile, 'utf8'));
  } catch {
    return null;
  }
}

/** Resolves with the limit now in force (logged when it could not be raised), which the daemon's
 * descriptor shares follow from then on (own-fd-limit.ts). */
export async function raiseFdLimit(log: (message: string) => void): Promise<FdLimits | null> {
  const before = readFdLimits();
  if (before) setOwnFdLimit(before.soft);
  let now = before;
  if (before && before.soft < before.hard && Number.isFinite(before.hard)) {
    now = await new Promise((resolve) => {
      execFile(
        'prlimit',
        ['--pid', String(process.pid), `--nofile=${before.hard}:${before.hard}`],
        (error) => {
          if (error)
            log(`open-file limit stays at ${before.soft} (prlimit: ${error.message.split('\n')[0]})`);
          resolve(readFdLimits());
        },
      );
    });
  }
  if (now) setOwnFdLimit(now.soft);
  return now;
}
