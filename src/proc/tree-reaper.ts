// Waits until every process of an instance's tree is gone, for all instances with one shared
// read of the process table per tick, so that `stop all` of many apps does not read it once per
// app; trees that look empty are confirmed together too (one read, each environment read once).
import type { ProcBackend } from './proc-backend.js';
import { indexProcTable, type ProcIndex, treeOf } from './proc-index.js';
import { isAlive, type ProcTable } from './proc-table.js';
import { groupExists } from './signal-pids.js';

/** What the reaper reads through. */
export type ReaperSource = Pick<ProcBackend, 'readTable' | 'readEntries' | 'runsSince' | 'reapIntervalMs'>;

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

  constructor(private readonly source: ReaperSource) {}

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
      if (!groupExists(pgid) && !this.anyAlive(tracked)) this.confirm(waiter);
      else this.wait(waiter);
    });
  }

  private anyAlive(pids: Set<number>): boolean {
    try {
      return [...this.source.readEntries([...pids]).values()].some(isAlive);
    } catch {
      return true; // cannot tell now: the ticks will
    }
  }

  private wait(waiter: Waiter): void {
    this.waiters.add(waiter);
    this.startTicking();
  }

  private startTicking(): void {
    this.timer ??= setInterval(() => this.tick(), this.source.reapIntervalMs);
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
      const runs = await this.source.runsSince(since, this.source.readTable());
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
      this.startTicking();
    } finally {
      this.confirmRunning = false;
    }
    // Confirms that came while this batch ran.
    if (this.confirming.size > 0) this.scheduleConfirm();
  }

  private scanOfTurn(): { table: ProcTable; index: ProcIndex } {
    if (!this.turnScan) {
      const table = this.source.readTable();
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
      table = this.source.readTable();
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
