// Enforces max_memory after every monitor sample (once a second): an online instance whose whole
// process tree holds more resident memory than its limit is restarted gracefully, with an event
// that names the figures (PM2 checks the main pid only, every 30 s). max_fds is an alert only.
import type { Monitor } from '../../metrics/monitor.js';
import type { EventSink } from '../../protocol/events.js';
import type { ManagedProcess } from '../../supervisor/managed-process.js';
import type { ProcessPool } from '../../supervisor/process-pool.js';
import { instanceAlert } from './instance-alert.js';

const MIB = 1024 * 1024;
const mib = (bytes: number) => `${(bytes / MIB).toFixed(1)} MiB`;

export class LimitWatch {
  /** Instances over max_fds, alerted once until they are back under it. */
  private readonly overFds = new Set<number>();

  private readonly check = () => {
    for (const proc of this.pool.all()) {
      this.checkFds(proc);
      const maxMemoryBytes = proc.spec.limits.maxMemoryBytes;
      const memoryBytes = proc.usage?.memoryBytes;
      if (!maxMemoryBytes || memoryBytes === undefined || proc.state.status !== 'online') continue;
      if (memoryBytes <= maxMemoryBytes) continue;
      this.events.record(
        instanceAlert(
          proc,
          'limit-exceeded',
          `memory ${mib(memoryBytes)} (process tree) exceeds max_memory ${mib(maxMemoryBytes)}; restarting`,
          { limit: 'max_memory', memoryBytes, maxMemoryBytes },
        ),
      );
      proc.apply({ type: 'check-failed' });
    }
  };

  private checkFds(proc: ManagedProcess): void {
    const { maxFds } = proc.spec.limits;
    const open = proc.openFds;
    if (maxFds === undefined || open === null || open <= maxFds) {
      this.overFds.delete(proc.id);
      return;
    }
    if (this.overFds.has(proc.id)) return;
    this.overFds.add(proc.id);
    this.events.record(
      instanceAlert(
        proc,
        'limit-exceeded',
        `${open} open file descriptors (process tree) exceed max_fds ${maxFds}`,
        {
          limit: 'max_fds',
          openFds: open,
          maxFds,
        },
      ),
    );
  }

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
