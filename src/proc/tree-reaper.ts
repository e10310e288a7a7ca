// Waits until every process of an instance's tree is gone, for all instances with one shared
// /proc scan per tick, so that `stop all` of many apps does not scan /proc once per app.
import { findRunProcesses } from './home-processes.js';
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
      if (!groupExists(pgid) && [...tracked].every((pid) => !isPidAlive(pid))) void this.confirm(waiter);
      else this.wait(waiter);
    });
  }

  private wait(waiter: Waiter): void {
    this.waiters.add(waiter);
    this.timer ??= setInterval(() => this.tick(), this.intervalMs);
  }

  /** The tree looks empty: look for the run's mark before calling it gone. */
  private async confirm(waiter: Waiter, table?: ProcTable): Promise<void> {
    const stragglers = waiter.mark
      ? await findRunProcesses(waiter.mark.id, waiter.mark.since, table ?? this.readTable())
      : [];
    if (stragglers.length === 0) {
      waiter.resolve();
      return;
    }
    for (const pid of stragglers) waiter.tracked.add(pid);
    waiter.onStragglers(stragglers);
    this.wait(waiter);
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
        void this.confirm(waiter, table);
      }
    }
    if (this.waiters.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }
}
