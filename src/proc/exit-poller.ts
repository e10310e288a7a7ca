// Processes adopted from an earlier daemon are not our children: no 'exit' event reaches us, so
// their exit is found by polling the process table, a slice of them at each poll (one read for the
// slice).
import type { ProcBackend } from './proc-backend.js';
import { isAlive } from './proc-table.js';

interface Watch {
  pid: number;
  startTime: number;
  onExit: () => void;
  removed?: boolean;
}

/** /proc reads per poll. All of 1000 adopted processes every 200 ms (5000 reads a second) cost 11 %
 * of a core at idle after a `pm update`; at this many (125 a second, about 0.35 %) each of them is
 * read every 8 s, the pace at which the monitor samples 1000 instances, and up to 25 of them at
 * every poll, as before. */
const MAX_CHECKS_PER_POLL = 25;

/** While polls find exits (a stop of many adopted runs, after `pm update`), each poll reads twice
 * as many as the last, up to this: 10,000 adopted runs stopped were seen gone at 125 a second, in
 * 80 s, and `pm stop all` returned before they were. */
const MAX_CHECKS_WHILE_ENDING = 1000;

export class ExitPoller {
  private watches: Watch[] = [];
  private checksNow: number;
  /** Where the next poll's slice starts. */
  private next = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly readEntries: ProcBackend['readEntries'],
    private readonly intervalMs = 200,
    private readonly perPoll = MAX_CHECKS_PER_POLL,
  ) {
    this.checksNow = perPoll;
  }

  /** Calls onExit once the process is gone (or its pid now belongs to a different process). */
  watch(pid: number, startTime: number, onExit: () => void): () => void {
    const watch = { pid, startTime, onExit };
    this.watches.push(watch);
    this.timer ??= setInterval(() => this.poll(), this.intervalMs);
    return () => this.unwatch(watch);
  }

  private unwatch(watch: Watch): void {
    if (watch.removed) return;
    watch.removed = true;
    const at = this.watches.indexOf(watch);
    if (at === -1) return;
    this.watches.splice(at, 1);
    if (at < this.next) this.next -= 1;
    if (this.watches.length === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private poll(): void {
    const count = Math.min(this.checksNow, this.watches.length);
    const slice: Watch[] = [];
    for (let i = 0; i < count; i++) slice.push(this.watches[(this.next + i) % this.watches.length]!);
    let table: ReturnType<ProcBackend['readEntries']>;
    try {
      table = this.readEntries(slice.map((watch) => watch.pid));
    } catch {
      return; // cannot tell now (out of descriptors, say): the next poll reads the same slice
    }
    const gone = slice.filter((watch) => {
      const entry = table.get(watch.pid);
      return !isAlive(entry) || entry!.startTime !== watch.startTime;
    });
    this.next = (this.next + count) % Math.max(1, this.watches.length);
    this.checksNow = gone.length > 0 ? Math.min(MAX_CHECKS_WHILE_ENDING, this.checksNow * 2) : this.perPoll;
    if (gone.length > 0) {
      // One pass for all of them (an indexOf each was a pass each).
      for (const watch of gone) watch.removed = true;
      this.watches = this.watches.filter((watch) => !watch.removed);
      this.next %= Math.max(1, this.watches.length);
      if (this.watches.length === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    }
    for (const watch of gone) watch.onExit();
  }
}
