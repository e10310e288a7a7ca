// Enforces max_memory after every monitor sample (once a second): an online instance whose whole
// process tree holds more resident memory than its limit is restarted gracefully, with an event
// that names the figures. (PM2 checks the main pid only, every 30 s.)
import type { Monitor } from '../../metrics/monitor.js';
import type { EventSink } from '../../protocol/events.js';
import type { ProcessPool } from '../../supervisor/process-pool.js';

const MIB = 1024 * 1024;
const mib = (bytes: number) => `${(bytes / MIB).toFixed(1)} MiB`;

export class LimitWatch {
  private readonly check = () => {
    for (const proc of this.pool.all()) {
      const maxMemoryBytes = proc.spec.limits.maxMemoryBytes;
      const memoryBytes = proc.usage?.memoryBytes;
      if (!maxMemoryBytes || memoryBytes === undefined || proc.state.status !== 'online') continue;
      if (memoryBytes <= maxMemoryBytes) continue;
      this.events.record({
        type: 'limit-exceeded',
        severity: 'alert',
        app: proc.name,
        index: proc.index,
        id: proc.id,
        message: `memory ${mib(memoryBytes)} (process tree) exceeds max_memory ${mib(maxMemoryBytes)}; restarting`,
        data: { limit: 'max_memory', memoryBytes, maxMemoryBytes },
      });
      proc.apply({ type: 'check-failed' });
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
