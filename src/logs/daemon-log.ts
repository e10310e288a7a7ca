// The daemon's own log ($PM_HOME/daemon.log, its stdout and stderr) rotates by copy-then-truncate:
// the daemon cannot reopen the descriptors it was started with, but they append, so after the
// truncation its writes simply start again at the top of the file.
import fs from 'node:fs';
import { type RotationPolicy, rotateFile } from './rotate-file.js';

const STDERR_FD = 2;

export interface DaemonLogRotation extends RotationPolicy {
  maxSizeBytes: number;
}

/** Rotates `logPath` when it is this daemon's stderr and larger than the limit; true when it did. */
export function rotateDaemonLog(logPath: string, policy: DaemonLogRotation, nowMs: number): boolean {
  try {
    const own = fs.fstatSync(STDERR_FD);
    const onDisk = fs.statSync(logPath);
    if (!own.isFile() || own.ino !== onDisk.ino || own.dev !== onDisk.dev) return false;
    if (policy.maxSizeBytes === 0 || own.size <= policy.maxSizeBytes) return false;
    rotateFile(logPath, policy, nowMs, true);
    return true;
  } catch {
    return false;
  }
}

/** Checks now and every `intervalMs`; returns a stop function. */
export function watchDaemonLog(logPath: string, policy: DaemonLogRotation, intervalMs: number): () => void {
  rotateDaemonLog(logPath, policy, Date.now());
  const timer = setInterval(() => rotateDaemonLog(logPath, policy, Date.now()), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
