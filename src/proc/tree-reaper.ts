// Waits until every process of an instance's tree is gone, for all instances with one shared
// /proc scan per tick, so that `stop all` of many apps does not scan /proc once per app.
import { indexProcTable, type ProcIndex, treeOf } from './proc-index.js';
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
  /** One scan serves every stop of an event-loop turn: `pm stop all` of 1000 instances reads /proc once. */
  private turnScan: { table: ProcTable; index: ProcIndex } | null = null;

  constructor(
    private readonly intervalMs = 20,
    private readonly readTable: () => ProcTable = readProcTable,
  ) {}

  /** Live pids of the tree that are outside its process group, which one signal to -pgid reaches:
   * signalling those and the group gives each process a signal exactly once. `tracked` becomes the
   * whole live tree. */
  outsideGroup(pgid: number, tracked: Set<number>): number[] {
    const { table, index } = this.scanOfTurn();
    const alive = treeOf(table, index, pgid, tracked);
    tracked.clear();
    for (const pid of alive) tracked.add(pid);
    return alive.filter((pid) => table.get(pid)!.pgrp !== pgid);
  }

  /** Resolves once no live process of the group, of `tracked`, or of their descendants remains. */
  waitGone(pgid: number, tracked: Set<number>): Promise<void> {
    if (!groupExists(pgid) && [...tracked].every((pid) => !isPidAlive(pid))) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.add({ pgid, tracked, resolve });
      this.timer ??= setInterval(() => this.tick(), this.intervalMs);
    });
  }

  private scanOfTurn(): { table: ProcTable; index: ProcIndex } {
    if (!this.turnScan) {
      const table = this.readTable();
      this.turnScan = { table, index: indexProcTable(table) };
      setImmediate(() => {
        this.turnScan = null;
      });
    }
    return this.turnScan;
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
