// The daemon holds a few descriptors per instance (pipes, log files) and one per connection: at
// start it raises its own soft open-file limit to the hard one, so that thousands of instances do
// not run into a soft limit of 1024. Node has no setrlimit; prlimit(1) (util-linux) sets it from
// outside, once, off the daemon's loop.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { parseProcLimits, type ResourceLimit } from '../config/proc-limits.js';

export type FdLimits = ResourceLimit;

/** The open-file limits in /proc/<pid>/limits; `unlimited` reads as Infinity. */
export function parseFdLimits(text: string): FdLimits | null {
  return parseProcLimits(text).get('Max open files') ?? null;
}

/** Resolves with the limit now in force (logged when it could not be raised). */
export function raiseFdLimit(log: (message: string) => void): Promise<FdLimits | null> {
  const read = () => parseFdLimits(fs.readFileSync(`/proc/${process.pid}/limits`, 'utf8'));
  const before = read();
  if (!before || before.soft >= before.hard || !Number.isFinite(before.hard)) return Promise.resolve(before);
  return new Promise((resolve) => {
    execFile('prlimit', ['--pid', String(process.pid), `--nofile=${before.hard}:${before.hard}`], (error) => {
      if (error) log(`open-file limit stays at ${before.soft} (prlimit: ${error.message.split('\n')[0]})`);
      resolve(read());
    });
  });
}
