// Waits until every process of an instance's tree is gone, for all instances with one shared
// /proc scan per tick, so that `stop all` of many apps does not scan /proc once per app; trees
// that look empty are confirmed together too (one scan, each environment read once).
import { runsSince } from './home-processes.js';
import { indexProcTable, type ProcIndex, treeOf } from './proc-index.js';
import { isPidAlive, type ProcTable, readProcTable } from './proc-table.js';
import { groupExists } from './signal-pids.js';

/** A run's environment mark (PM_RUN) and its main process's start time. */
export interface RunMark {
  id: string;
  since: number;
}

interface Waiter {
  pgid: number;
  tracked: Set<number>;
  mark: RunMark | null;
  /** Processes of the run found by its mark after its tree looked empty. */
  onStragglers: (pids: number[]) => void;
  resolve: () => void;
}

export class TreeReaper {
  private readonly waiters = new Set<Waiter>();
  /** Trees that look empty, waiting for the check of their run's mark. */
  private readonly confirming = new Set<Waiter>();
  private confirmScheduled = false;
  private confirmRunning = false;
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

  /** Resolves once no live process of the group, of `tracked`, or of their descendants remains,
   * and, with a mark, none carrying the run's PM_RUN either: those are handed to onStragglers and
   * waited for too, so that a new run never starts beside what is left of the old one. */
  waitGone(
    pgid: number,
    tracked: Set<number>,
    mark: RunMark | null,
    onStragglers: (pids: number[]) => void,
  ): Promise<void> {
    return new Promise((resolve) => {
      const waiter = { pgid, tracked, mark, onStragglers, resolve };
      if (!groupExists(pgid) && [...tracked].every((pid) => !isPidAlive(pid))) this.confirm(waiter);
      else this.wait(waiter);
    });
  }

  private wait(waiter: Waiter): void {
    this.waiters.add(waiter);
    this.timer ??= setInterval(() => this.tick(), this.intervalMs);
  }

  /** The tree looks empty: its run's mark is looked for with every other one of this turn. */
  private confirm(waiter: Waiter): void {
    if (!waiter.mark) {
      waiter.resolve();
      return;
    }
    this.confirming.add(waiter);
    this.scheduleConfirm();
  }

  private scheduleConfirm(): void {
    if (this.confirmScheduled) return;
    this.confirmScheduled = true;
    setImmediate(() => {
      this.confirmScheduled = false;
      void this.confirmAll();
    });
  }

  private async confirmAll(): Promise<void> {
    if (this.confirmRunning || this.confirming.size === 0) return;
    this.confirmRunning = true;
    const batch = [...this.confirming];
    try {
      const since = Math.min(...batch.map((w) => w.mark!.since));
      const runs = await runsSince(since, this.readTable());
      for (const waiter of batch) {
        this.confirming.delete(waiter);
        const stragglers = runs.get(waiter.mark!.id) ?? [];
        if (stragglers.length === 0) {
          waiter.resolve();
          continue;
        }
        for (const pid of stragglers) waiter.tracked.add(pid);
        waiter.onStragglers(stragglers);
        this.wait(waiter);
      }
    } catch {
      // Out of descriptors, say: the batch stays, and the next tick tries again.
      this.timer ??= setInterval(() => this.tick(), this.intervalMs);
    } finally {
      this.confirmRunning = false;
    }
    // Confirms that came while this batch ran.
    if (this.confirming.size > 0) this.scheduleConfirm();
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
    let table: ProcTable;
    try {
      table = this.readTable();
    } catch {
      return; // out of descriptors: the next tick tries again
    }
    // One index for every waiter of the tick: a `stop all` of many apps walks the table once.
    const index = indexProcTable(table);
    for (const waiter of this.waiters) {
      const alive = treeOf(table, index, waiter.pgid, waiter.tracked);
      waiter.tracked.clear();
      for (const pid of alive) waiter.tracked.add(pid);
      if (alive.length === 0) {
        this.waiters.delete(waiter);
        this.confirm(waiter);
      }
    }
    if (this.confirming.size > 0) void this.confirmAll();
    if (this.waiters.size === 0 && this.confirming.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }
}
