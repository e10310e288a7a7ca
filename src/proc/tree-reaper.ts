// Waits until every process of an instance's tree is gone, for all instances with one shared
// /proc scan per tick, so that `stop all` of many apps does not scan /proc once per app.
import { indexProcTable, treeOf, treePids } from './proc-index.js';
import { isPidAlive, type ProcTable, readProcTable } from './proc-table.js';
import { groupExists } from './signal-pids.js';

interface Waiter {
  pgid: number;
  tracked: Set<number>;
  resolve: () => void;
}

export class TreeReaper {
  private readonly waiters = new Set<Waiter>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs = 20,
    private readonly readTable: () => ProcTable = readProcTable,
  ) {}

  /** Live pids of the group and of the tracked processes' descendants (the tracked set is updated). */
  liveTree(pgid: number, tracked: Set<number>): number[] {
    const alive = treePids(this.readTable(), pgid, tracked);
    tracked.clear();
    for (const pid of alive) tracked.add(pid);
    return alive;
  }

  /** Resolves once no live process of the group, of `tracked`, or of their descendants remains. */
  waitGone(pgid: number, tracked: Set<number>): Promise<void> {
    if (!groupExists(pgid) && [...tracked].every((pid) => !isPidAlive(pid))) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.add({ pgid, tracked, resolve });
      this.timer ??= setInterval(() => this.tick(), this.intervalMs);
    });
  }

  private tick(): void {
    const table = this.readTable();
    // One index for every waiter of the tick: a `stop all` of many apps walks the table once.
    const index = indexProcTable(table);
    for (const waiter of this.waiters) {
      const alive = treeOf(table, index, waiter.pgid, waiter.tracked);
      waiter.tracked.clear();
      for (const pid of alive) waiter.tracked.add(pid);
      if (alive.length === 0) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
    if (this.waiters.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }
}
