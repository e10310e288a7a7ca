// Signals by pid and by process group, for whole-tree stop and pause: the pids come from a /proc
// scan, so some are gone by the time the signal is sent.

/** Sends a signal to each pid; a pid that is already gone is not an error. */
export function signalPids(pids: Iterable<number>, signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // ESRCH: gone between the scan and the signal.
    }
  }
}

/** True when some process (possibly a zombie) is still in the group. */
export function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
