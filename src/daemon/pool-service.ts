// The pool as a daemon service. At start it is restored from the state file (processes that
// outlived the previous daemon are adopted) and the state file follows it from then on; at the end
// it stops every app (shutdown) or lets go of them for the next daemon to adopt (detach), and the
// state file is written once more.
import type { EventSink } from '../protocol/events.js';
import type { ProcessPool } from '../supervisor/process-pool.js';
import type { PoolSnapshot } from '../supervisor/records.js';
import { type FoundProcess, planSweep } from '../supervisor/sweep.js';
import type { Service, StopReason } from './services.js';
import type { StateStore } from './state-store.js';

export interface PoolServiceDeps {
  pool: Pick<ProcessPool, 'restore' | 'stopAll' | 'detach' | 'on' | 'instanceCount'>;
  store: Pick<StateStore, 'schedule' | 'save' | 'close'>;
  events: EventSink;
  /** The pool as the state file held it; null in a fresh home. */
  saved: PoolSnapshot | null;
  log: (message: string) => void;
  /** Tells the next command (see notices.ts). */
  notify: (text: string) => void;
  /** Removes the pipes of instances no longer defined; returns how many. */
  sweepPipes: () => number;
  /** The orphan sweep: this home's live processes, a pid's start time, and stopping strays. */
  sweep: {
    find: () => Promise<FoundProcess[]>;
    liveStartTime: (pid: number) => number | null;
    stop: (pids: number[]) => void;
  };
}

export class PoolService implements Service {
  /** The instances stopped (or let go of) at the end: the reply to `kill`. */
  endedInstances = 0;

  constructor(private readonly deps: PoolServiceDeps) {}

  async start(): Promise<void> {
    const { pool, events, sweep } = this.deps;
    // Before anything starts: a fresh run next to one the state did not know of would be a duplicate.
    const found = await sweep.find();
    const swept = planSweep(
      this.deps.saved ?? { nextId: 0, apps: [] },
      found,
      sweep.liveStartTime,
      Date.now(),
    );
    const saved = this.deps.saved && swept.snapshot;
    if (swept.adopted + swept.stop.length > 0) {
      sweep.stop(swept.stop);
      const message = `found processes of this home that the state file did not account for: adopted ${swept.adopted} runs, stopping ${swept.stop.length} processes`;
      this.deps.log(`${message} (${swept.stop.join(' ')})`);
      this.deps.notify(message);
      events.record({
        type: 'orphans-swept',
        severity: 'alert',
        message,
        data: { adopted: swept.adopted, stopped: swept.stop.length },
      });
    }
    if (saved) {
      const { adopted, started } = await pool.restore(saved);
      this.deps.log(`restored ${pool.instanceCount} instances: ${adopted} adopted, ${started} started`);
      events.record({
        type: 'daemon-started',
        severity: adopted + started > 0 ? 'alert' : 'info',
        message: `daemon ${process.pid} started; restored ${pool.instanceCount} instances: ${adopted} adopted, ${started} restarted`,
        data: { pid: process.pid, adopted, started },
      });
    } else {
      events.record({
        type: 'daemon-started',
        severity: 'info',
        message: `daemon ${process.pid} started`,
        data: { pid: process.pid },
      });
    }
    const pipes = this.deps.sweepPipes();
    if (pipes > 0) this.deps.log(`removed ${pipes} pipes of instances no longer defined`);
    pool.on('change', () => this.deps.store.schedule());
    await this.deps.store.save();
  }

  async stop(reason: StopReason): Promise<void> {
    const { pool, store, events } = this.deps;
    if (reason === 'detach') {
      const instances = await pool.detach();
      this.endedInstances = instances;
      events.record({
        type: 'daemon-stopped',
        severity: 'info',
        message: `daemon ${process.pid} detached for an update; ${instances} instances keep running`,
        data: { pid: process.pid, instances, detached: true },
      });
      await store.save();
      store.close();
      return;
    }
    const stopped = await pool.stopAll();
    this.endedInstances = stopped;
    await store.save();
    store.close();
    events.record({
      type: 'daemon-stopped',
      severity: 'info',
      message: `daemon stopped (${stopped} instances stopped)`,
    });
  }
}
