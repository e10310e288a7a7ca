// Waiting for instances to settle after an operation, so that a command replies with the states it
// caused rather than the ones it started from.
import type { ManagedProcess } from './managed-process.js';
import type { Clock } from './world.js';

/** Not on the way up or down. */
export const isSettled = (p: ManagedProcess) =>
  p.state.status !== 'starting' && p.state.status !== 'stopping';
/** No process left. */
export const isDown = (p: ManagedProcess) => p.pid === null && p.state.status !== 'waiting-restart';

/** Resolves when `done(proc)` holds, or after timeoutMs (the reply then shows the state as it is). */
function settle(
  proc: ManagedProcess,
  done: (p: ManagedProcess) => boolean,
  timeoutMs: number,
  clock: Clock,
): Promise<void> {
  if (done(proc)) return Promise.resolve();
  return new Promise((resolve) => {
    const finish = () => {
      clock.clearTimeout(timer);
      proc.off('change', check);
      resolve();
    };
    const check = () => {
      if (done(proc)) finish();
    };
    const timer = clock.setTimeout(finish, timeoutMs);
    proc.on('change', check);
  });
}

/** Without a timeout, each waits as long as its own stop may take, and 10 s more. */
export async function settleAll(
  procs: ManagedProcess[],
  done: (p: ManagedProcess) => boolean,
  clock: Clock,
  timeoutMs?: number,
): Promise<void> {
  await Promise.all(
    procs.map((p) => settle(p, done, timeoutMs ?? p.spec.stop.killTimeoutMs + 10_000, clock)),
  );
}
