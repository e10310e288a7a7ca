// Reports isolation breaches after every monitor sample: an OOM kill inside an instance's cgroup
// (its hard_memory enforced by the kernel) and forks refused at its max_procs, as an
// `isolation-breach` alert with the figures. The counters only grow: a rise is a new breach.
import type { Monitor } from '../../metrics/monitor.js';
import type { EventSink } from '../../protocol/events.js';
import type { ProcessPool } from '../../supervisor/process-pool.js';
import { instanceAlert } from './instance-alert.js';

export class BreachWatch {
  /** Each instance's counters when last seen; the first sight is the baseline, not a breach. */
  private readonly seen = new Map<number, { oomKills: number; pidsRefused: number }>();

  private readonly check = () => {
    const ids = new Set<number>();
    for (const proc of this.pool.all()) {
      const { hardMemoryBytes, maxProcs } = proc.spec.limits;
      if (hardMemoryBytes === undefined && maxProcs === undefined) continue;
      const now = proc.breaches();
      if (!now) continue;
      ids.add(proc.id);
      const before = this.seen.get(proc.id);
      this.seen.set(proc.id, now);
      if (!before) continue;
      if (now.oomKills > before.oomKills) {
        const kills = now.oomKills - before.oomKills;
        this.events.record(
          instanceAlert(
            proc,
            'isolation-breach',
            `hard_memory reached: the kernel killed ${kills} process(es) of this instance (OOM in its cgroup)`,
            { kind: 'oom-kill', kills, hardMemoryBytes: hardMemoryBytes ?? null },
          ),
        );
      }
      if (now.pidsRefused > before.pidsRefused) {
        const refused = now.pidsRefused - before.pidsRefused;
        this.events.record(
          instanceAlert(
            proc,
            'isolation-breach',
            `max_procs reached: ${refused} fork(s) refused at ${maxProcs} processes`,
            {
              kind: 'pids-limit',
              refused,
              maxProcs: maxProcs ?? null,
            },
          ),
        );
      }
    }
    for (const id of this.seen.keys()) if (!ids.has(id)) this.seen.delete(id);
  };

  constructor(
    private readonly pool: ProcessPool,
    private readonly monitor: Monitor,
    private readonly events: EventSink,
  ) {}

  start(): void {
    this.monitor.on('sample', this.check);
  }

  stop(): void {
    this.monitor.off('sample', this.check);
  }
}
