// Whether a pid is alive, and its start time, read from /proc: for assertions and benchmarks on
// this Linux host (the daemon asks its process backend instead).
import { isAlive, readProcEntry } from '../../src/proc/proc-table.js';

export const isPidAlive = (pid: number): boolean => isAlive(readProcEntry(pid));

export function liveStartTime(pid: number): number | null {
  const entry = readProcEntry(pid);
  return isAlive(entry) ? entry!.startTime : null;
}
