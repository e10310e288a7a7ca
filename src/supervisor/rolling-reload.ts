// `pm reload`: each instance in turn gets a replacement at its index, which must be ready before the
// instance stops, so that the app never has a moment without a ready instance. A replacement that is
// not ready in time is stopped, its instance kept, and the reload goes no further.

import { PmError } from '../protocol/errors.js';
import type { EventSink } from '../protocol/events.js';
import type { ManagedProcess } from './managed-process.js';
import { awaitReady } from './readiness.js';
import type { Clock } from './world.js';

export interface ReloadOptions {
  /** Instances replaced at once. */
  parallel: number;
}

/** What the reload does to the pool (process-pool.ts does each step). */
export interface ReloadSteps {
  clock: Clock;
  events: EventSink;
  /** A new instance at the index of `old`, recorded as its replacement, started. */
  startReplacement(old: ManagedProcess): Promise<ManagedProcess>;
  /** The replacement takes the slot: recorded so, then the old instance is stopped and dropped. */
  promote(fresh: ManagedProcess, old: ManagedProcess): Promise<void>;
  /** A replacement that failed is stopped and dropped. */
  discard(fresh: ManagedProcess): Promise<void>;
  /** An instance without a running process has nothing to keep serving: a plain restart. */
  restart(procs: ManagedProcess[]): Promise<void>;
}

const label = (proc: ManagedProcess) => `${proc.name}:${proc.index}`;
const isRunning = (proc: ManagedProcess) => proc.pid !== null && proc.state.status !== 'stopping';

/** Replaces `old`; the reason it could not, or null. */
async function replace(old: ManagedProcess, steps: ReloadSteps): Promise<string | null> {
  const fresh = await steps.startReplacement(old);
  const readiness = await awaitReady(fresh, steps.clock);
  const at = { app: old.name, index: old.index, id: fresh.id };
  if (!readiness.ready) {
    const why = `its replacement was not ready: ${readiness.why}; stopped it and kept pid ${old.pid}`;
    steps.events.record({
      type: 'reload-failed',
      severity: 'alert',
      ...at,
      message: why,
      data: { old_pid: old.pid, new_pid: fresh.pid },
    });
    await steps.discard(fresh);
    return why;
  }
  const oldPid = old.pid;
  await steps.promote(fresh, old);
  steps.events.record({
    type: 'reloaded',
    severity: 'info',
    ...at,
    message: `pid ${oldPid} replaced by pid ${fresh.pid} (ready: ${readiness.by})`,
    data: { old_pid: oldPid, new_pid: fresh.pid },
  });
  return null;
}

/** Reloads `procs` in batches of `parallel`; throws at the first batch with a replacement that was
 * not ready, saying which and why. */
export async function rollingReload(
  procs: ManagedProcess[],
  options: ReloadOptions,
  steps: ReloadSteps,
): Promise<void> {
  await steps.restart(procs.filter((p) => !isRunning(p)));
  const running = procs.filter(isRunning);
  for (let i = 0; i < running.length; i += options.parallel) {
    const batch = running.slice(i, i + options.parallel);
    const failures = (await Promise.all(batch.map((old) => replace(old, steps)))).flatMap((why, k) =>
      why === null ? [] : [`${label(batch[k]!)}: ${why}`],
    );
    if (failures.length > 0) {
      const left = running.slice(i + options.parallel).map(label);
      throw new PmError(
        'not-ready',
        `reload stopped at ${failures.join('; ')}` +
          (left.length > 0 ? `; not reloaded: ${left.join(', ')}` : '') +
          ' (see `pm logs` and `pm events` for why)',
      );
    }
  }
}
