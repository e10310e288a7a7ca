// Reports isolation breaches after every monitor sample: an OOM kill inside an instance's cgroup
// (its hard_memory enforced by the kernel) and forks refused at its max_procs, as an
// `isolation-breach` alert with the figures. The counters only grow: a rise is a new breach.
import type { Monitor, MonitorSample } from '../../metrics/monitor.js';
import type { EventSink } from '../../protocol/events.js';
import type { ProcessPool } from '../../supervisor/process-pool.js';
import { instanceAlert } from './instance-alert.js';

export class BreachWatch {
  /** Each instance's counters when last seen; the first sight is the baseline, not a breach. */
  private readonly seen = new Map<number, { oomKills: number; pidsRefused: number }>();

  /** Instances not running whose counters were read since their last run ended: the run count then. */
  private readonly lookedAtDown = new Map<number, number>();

  // The instances of this tick's slice (the monitor samples a slice per tick: each is looked at once
  // per round, as its usage is), and once each that is down: a breach often ends the run (an OOM
  // kill of the main process, a shell whose fork failed), and a down instance is in no sample.
  private readonly check = (sample: MonitorSample) => {
    const sampled = new Set(sample.usage.map((u) => u.id));
    for (const proc of this.pool.all()) {
      const { hardMemoryBytes, maxProcs } = proc.spec.limits;
      if (hardMemoryBytes === undefined && maxProcs === undefined) continue;
      if (proc.pid === null) {
        // Once per run that ended: a run shorter than a tick is seen only this way.
        if (this.lookedAtDown.get(proc.id) === proc.restarts) continue;
        this.lookedAtDown.set(proc.id, proc.restarts);
      } else if (!sampled.has(proc.id)) continue;
      const now = proc.breaches();
      if (!now) continue;
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
    if (this.seen.size > this.pool.instanceCount) {
      const ids = new Set(this.pool.all().map((p) => p.id));
      for (const id of this.seen.keys()) if (!ids.has(id)) this.seen.delete(id);
      for (const id of this.lookedAtDown.keys()) if (!ids.has(id)) this.lookedAtDown.delete(id);
    }
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
