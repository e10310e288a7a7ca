// Enforces max_memory after every monitor sample (once a second): an online instance whose whole
// process tree holds more resident memory than its limit is restarted gracefully, with an event
// that names the figures. (PM2 checks the main pid only, every 30 s.)
import type { Monitor } from '../../metrics/monitor.js';
import type { EventSink } from '../../protocol/events.js';
import type { ProcessPool } from '../../supervisor/process-pool.js';

const MIB = 1024 * 1024;
const mib = (bytes: number) => `${(bytes / MIB).toFixed(1)} MiB`;

export function watchLimits(pool: ProcessPool, monitor: Monitor, events: EventSink): () => void {
  const check = () => {
    for (const proc of pool.all()) {
      const maxMemoryBytes = proc.spec.limits.maxMemoryBytes;
      const memoryBytes = proc.usage?.memoryBytes;
      if (!maxMemoryBytes || memoryBytes === undefined || proc.state.status !== 'online') continue;
      if (memoryBytes <= maxMemoryBytes) continue;
      events.record({
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
  monitor.on('sample', check);
  return () => monitor.off('sample', check);
}
