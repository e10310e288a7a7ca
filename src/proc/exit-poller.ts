// Processes adopted from an earlier daemon are not our children: no 'exit' event reaches us, so
// their exit is found by polling /proc, for all of them in one pass.
import { isAlive, readProcEntry } from './proc-table.js';

interface Watch {
  pid: number;
  startTime: number;
  onExit: () => void;
}

export class ExitPoller {
  private readonly watches = new Set<Watch>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly intervalMs = 200) {}

  /** Calls onExit once the process is gone (or its pid now belongs to a different process). */
  watch(pid: number, startTime: number, onExit: () => void): () => void {
    const watch = { pid, startTime, onExit };
    this.watches.add(watch);
    this.timer ??= setInterval(() => this.poll(), this.intervalMs);
    return () => this.unwatch(watch);
  }

  private unwatch(watch: Watch): void {
    this.watches.delete(watch);
    if (this.watches.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private poll(): void {
    for (const watch of this.watches) {
      const entry = readProcEntry(watch.pid);
      if (!isAlive(entry) || entry!.startTime !== watch.startTime) {
        this.unwatch(watch);
        watch.onExit();
      }
    }
  }
}
