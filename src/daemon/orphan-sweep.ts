// The orphan sweep for real: this home's processes from /proc, and a graceful stop of the strays
// (SIGTERM, then SIGKILL after the default kill timeout to those still running).
import { DEFAULT_STOP } from '../config/defaults.js';
import { findHomeProcesses } from '../proc/home-processes.js';
import { liveStartTime } from '../proc/proc-table.js';
import { signalPids } from '../proc/signal-pids.js';
import type { PoolServiceDeps } from './pool-service.js';

function stopStrays(pids: number[]): void {
  if (pids.length === 0) return;
  const started = new Map(pids.map((pid) => [pid, liveStartTime(pid)]));
  signalPids(pids, 'SIGTERM');
  setTimeout(() => {
    // The same processes only: a pid reused meanwhile belongs to someone else.
    const left = pids.filter((pid) => started.get(pid) !== null && liveStartTime(pid) === started.get(pid));
    signalPids(left, 'SIGKILL');
  }, DEFAULT_STOP.killTimeoutMs).unref();
}

export function createOrphanSweep(home: string): PoolServiceDeps['sweep'] {
  return { find: () => findHomeProcesses(home), liveStartTime, stop: stopStrays };
}
