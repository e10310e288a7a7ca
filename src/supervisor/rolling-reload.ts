// `pm reload`: each instance in turn gets a replacement at its index, which must be ready before the
// instance stops, so that the app never has a moment without a ready instance. A replacement that is
// not ready in time is stopped, its instance kept, and the reload goes no further. The next slot's
// replacement does not wait until the instance replaced is gone (its run confirmed ended, which
// at 10,000 instances is a search of every process): a few stop meanwhile, and the reload replies
// once all are gone.

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
  /** The replacement takes the slot: recorded so, then the old instance is stopped and dropped;
   * resolves once its stop has begun, with its removal (once it is down). */
  promote(fresh: ManagedProcess, old: ManagedProcess): Promise<{ removed: Promise<void> }>;
  /** A replacement that failed is stopped and dropped. */
  discard(fresh: ManagedProcess): Promise<void>;
  /** An instance without a running process has nothing to keep serving: a plain restart. */
  restart(procs: ManagedProcess[]): Promise<void>;
}

const label = (proc: ManagedProcess) => `${proc.name}:${proc.index}`;
const isRunning = (proc: ManagedProcess) => proc.pid !== null && proc.state.status !== 'stopping';

/** Old instances stopping at once, per instance replaced at once. */
const STOPPING_PER_PARALLEL = 4;

type Replaced = { why: string } | { why: null; removed: Promise<void> };

/** Replaces `old`: why it could not, or the removal of `old` under way. */
async function replace(old: ManagedProcess, steps: ReloadSteps): Promise<Replaced> {
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
    return { why };
  }
  const oldPid = old.pid;
  const { removed } = await steps.promote(fresh, old);
  steps.events.record({
    type: 'reloaded',
    severity: 'info',
    ...at,
    message: `pid ${oldPid} replaced by pid ${fresh.pid} (ready: ${readiness.by})`,
    data: { old_pid: oldPid, new_pid: fresh.pid },
  });
  return { why: null, removed };
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
  const stopping = new Set<Promise<void>>();
  try {
    for (let i = 0; i < running.length; i += options.parallel) {
      const batch = running.slice(i, i + options.parallel);
      // Every replacement of the batch settles before one that threw is reported: none goes on
      // after the reload (and the pool's exclusive section) ended.
      const settled = await Promise.allSettled(batch.map((old) => replace(old, steps)));
      const results = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      for (const result of results) {
        if (result.why !== null) continue;
        const removal = result.removed.finally(() => stopping.delete(removal));
        stopping.add(removal);
      }
      const thrown = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (thrown) throw thrown.reason;
      while (stopping.size >= options.parallel * STOPPING_PER_PARALLEL) await Promise.race(stopping);
      const failures = results.flatMap((result, k) =>
        result.why === null ? [] : [`${label(batch[k]!)}: ${result.why}`],
      );
      failIf(failures, running.slice(i + options.parallel));
    }
  } finally {
    await Promise.all(stopping);
  }
}

/** Throws, saying which replacements were not ready and which instances were not reloaded. */
function failIf(failures: string[], notReached: ManagedProcess[]): void {
  if (failures.length === 0) return;
  const left = notReached.map(label);
  throw new PmError(
    'not-ready',
    `reload stopped at ${failures.join('; ')}` +
      (left.length > 0 ? `; not reloaded: ${left.join(', ')}` : '') +
      ' (see `pm logs` and `pm events` for why)',
  );
}
