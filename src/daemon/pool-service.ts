// The pool as a daemon service. At start it is restored from the state file (processes that
// outlived the previous daemon are adopted) and the state file follows it from then on; at the end
// it stops every app (shutdown) or lets go of them for the next daemon to adopt (detach), and the
// state file is written once more.
import type { EventSink } from '../protocol/events.js';
import type { ProcessPool } from '../supervisor/process-pool.js';
import type { PoolSnapshot } from '../supervisor/records.js';
import type { Service, StopReason } from './services.js';
import type { StateStore } from './state-store.js';

export interface PoolServiceDeps {
  pool: Pick<ProcessPool, 'restore' | 'stopAll' | 'detach' | 'on' | 'instanceCount'>;
  store: Pick<StateStore, 'schedule' | 'writeNow' | 'close'>;
  events: EventSink;
  /** The pool as the state file held it; null in a fresh home. */
  saved: PoolSnapshot | null;
  log: (message: string) => void;
}

export class PoolService implements Service {
  /** The instances stopped (or let go of) at the end: the reply to `kill`. */
  endedInstances = 0;

  constructor(private readonly deps: PoolServiceDeps) {}

  start(): void {
    const { pool, store, events, saved } = this.deps;
    if (saved) {
      const { adopted, started } = pool.restore(saved);
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
    pool.on('change', () => store.schedule());
    store.writeNow();
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
      store.writeNow();
      store.close();
      return;
    }
    const stopped = await pool.stopAll();
    this.endedInstances = stopped;
    store.writeNow();
    store.close();
    events.record({
      type: 'daemon-stopped',
      severity: 'info',
      message: `daemon stopped (${stopped} instances stopped)`,
    });
  }
}
