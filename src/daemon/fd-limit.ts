// The daemon holds a few descriptors per instance (pipes, log files) and one per connection: at
// start it raises its own soft open-file limit to the hard one, so that thousands of instances do
// not run into a soft limit of 1024. Node has no setrlimit; prlimit(1) (util-linux) sets it from
// outside, once, off the daemon's loop.
import { execFile } from 'node:child_process';
import fs from 'node:fs';

export interface FdLimits {
  soft: number;
  hard: number;
}

/** The open-file limits in /proc/<pid>/limits; `unlimited` reads as Infinity. */
export function parseFdLimits(text: string): FdLimits | null {
  const line = text.split('\n').find((l) => l.startsWith('Max open files'));
  const [soft, hard] = line?.slice('Max open files'.length).trim().split(/\s+/) ?? [];
  const value = (s: string | undefined) => (s === 'unlimited' ? Number.POSITIVE_INFINITY : Number(s));
  if (soft === undefined || hard === undefined || Number.isNaN(value(soft)) || Number.isNaN(value(hard)))
    return null;
  return { soft: value(soft), hard: value(hard) };
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
