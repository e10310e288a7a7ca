// The orphan sweep for real: this home's processes from the process table, and a graceful stop of
// the strays (SIGTERM, then SIGKILL after the default kill timeout to those still running).
import { DEFAULT_STOP } from '../config/defaults.js';
import { liveStartTimeIn, type ProcBackend } from '../proc/proc-backend.js';
import { signalPids } from '../proc/signal-pids.js';
import type { PoolServiceDeps } from './pool-service.js';

function stopStrays(pids: number[], liveStartTime: (pid: number) => number | null): void {
  if (pids.length === 0) return;
  // A start time that cannot be read (now, or at the SIGKILL) is never matched: no SIGKILL on a guess.
  const readStart = (pid: number): number | null => {
    try {
      return liveStartTime(pid);
    } catch {
      return null;
    }
  };
  const started = new Map(pids.map((pid) => [pid, readStart(pid)]));
  signalPids(pids, 'SIGTERM');
  setTimeout(() => {
    // The same processes only: a pid reused meanwhile belongs to someone else.
    const left = pids.filter((pid) => started.get(pid) !== null && readStart(pid) === started.get(pid));
    signalPids(left, 'SIGKILL');
  }, DEFAULT_STOP.killTimeoutMs).unref();
}

export function createOrphanSweep(home: string, backend: ProcBackend): PoolServiceDeps['sweep'] {
  const liveStartTime = (pid: number) => liveStartTimeIn(backend, pid);
  return {
    find: () => backend.findHomeProcesses(home),
    liveStartTime,
    stop: (pids) => stopStrays(pids, liveStartTime),
  };
}
