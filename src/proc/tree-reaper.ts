// Waits until every process of an instance's tree is gone, for all instances with one shared
// read of the process table per tick (and one per loop turn for the stops' signals), so that
// `stop all` of many apps does not read it once per app; trees that look empty are confirmed
// together too, and the run marks of a process are read once for all the confirms of a stop.
// Ticks and confirms read the table without holding the loop (a scan of 10,000 processes is
// 100-300 ms): a tree that looks empty in a tick's read is confirmed by a read begun after it,
// which finds a process forked while the tick read by its run's mark.
import type { ProcBackend } from './proc-backend.js';
import { indexProcTable, type ProcIndex, treeOf } from './proc-index.js';
import { isAlive, type ProcTable } from './proc-table.js';
import { groupExists } from './signal-pids.js';

/** What the reaper reads through. */
export type ReaperSource = Pick<ProcBackend, 'readTable' | 'readEntries' | 'runsSince' | 'reapIntervalMs'>;

export interface ReaperOptions {
  /** The table read without holding the loop (the backend's readTableAsync): a whole /proc scan at
   * 1000 instances holds it for 10-20 ms, a ps for as long as ps runs. */
  readTableAsync?: () => Promise<ProcTable>;
  now?: () => number;
}

/** A scan this recent serves a stop, a tick or a confirm: the stops of a turn, and the tick before
 * them, share one (it was a scan per turn, and the tick read its own). */
export const SCAN_SHARED_MS = 10;

/** How long the run marks read by a confirm are kept after the last one. */
const MARKS_KEPT_MS = 1000;

/** Confirms start at least this far apart: a `stop all` of 1000 instances ends runs for a second,
 * and a confirm per turn would scan the whole table per turn. */
export const CONFIRM_INTERVAL_MS = 50;
/** And at least this many times as long as the last confirm's read took, up to MAX_CONFIRM_SPACING_MS:
 * a read of 3,000 processes takes 25 ms of the loop, so that stops confirmed one after the other (a
 * reload) kept the daemon scanning half of its time. */
const CONFIRM_SPACING_PER_READ = 4;
const MAX_CONFIRM_SPACING_MS = 1_000;

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
  /** The number of the first scan that can confirm it: one read since its tree looked empty. */
  confirmableBy?: number;
  /** Scans begun before it waited: a tick judges it only by a read begun after. */
  scansBefore: number;
  /** A run without a mark: the scan in which its tree looked empty first. */
  emptyIn?: number;
}

interface Scan {
  table: ProcTable;
  index: ProcIndex;
  /** Scans are numbered in the order they start. */
  number: number;
}

export class TreeReaper {
  private readonly waiters = new Set<Waiter>();
  /** Trees that look empty, waiting for the check of their run's mark. */
  private readonly confirming = new Set<Waiter>();
  private confirmScheduled = false;
  private confirmRunning = false;
  private lastConfirmAt = Number.NEGATIVE_INFINITY;
  private confirmSpacingMs = CONFIRM_INTERVAL_MS;
  private timer: NodeJS.Timeout | null = null;
  /** A tick's read is in flight: the next tick does not begin another. */
  private ticking = false;
  /** The last tick's read, while ticks go on: a confirm that needs no later one takes it. */
  private tickScan: { table: ProcTable; number: number } | null = null;
  /** The last scan, while it is recent: `pm stop all` of 1000 instances reads /proc once a turn. */
  private recentScan: Scan | null = null;
  private scans = 0;
  /**
   * The run (PM_RUN) of processes found by earlier confirms while some wait: the candidates of
   * each confirm of a `stop all` are the instances not stopped yet, whose environments were read
   * again at every confirm (1000 × the confirms). A process keeps its pid and start time, and its
   * environment names its run from its start; forgotten a second after the last confirm.
   */
  private readonly marks = new Map<number, { startTime: number; run: string }>();
  private forgetMarks: NodeJS.Timeout | undefined;

  private readonly now: () => number;

  constructor(
    private readonly source: ReaperSource,
    private readonly options: ReaperOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Live pids of the tree that are outside its process group, which one signal to -pgid reaches:
   * signalling those and the group gives each process a signal exactly once. `tracked` becomes the
   * whole live tree. */
  outsideGroup(pgid: number, tracked: Set<number>): number[] {
    let scan: Scan;
    try {
      scan = this.sharedScan();
    } catch {
      // The table cannot be read now (out of descriptors, a ps that failed): the group's signal
      // goes alone; the wait for the tree, the kill timeout's scan and the run's mark find the rest.
      return [];
    }
    const { table, index } = scan;
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
      const waiter: Waiter = { pgid, tracked, mark, onStragglers, resolve, scansBefore: this.scans };
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

  /** The tree looks empty (in scan `by`, or now): its run's mark is looked for with every other one
   * of this turn, in that scan or a later one. */
  private confirm(waiter: Waiter, by = this.scans + 1): void {
    if (!waiter.mark) {
      waiter.resolve();
      return;
    }
    waiter.confirmableBy = by;
    this.confirming.add(waiter);
    this.scheduleConfirm();
  }

  private scheduleConfirm(): void {
    if (this.confirmScheduled) return;
    this.confirmScheduled = true;
    const start = () => {
      this.confirmScheduled = false;
      void this.confirmAll();
    };
    const waitMs = this.lastConfirmAt + this.confirmSpacingMs - this.now();
    if (waitMs > 0) setTimeout(start, waitMs);
    else setImmediate(start);
  }

  private async confirmAll(): Promise<void> {
    if (this.confirmRunning || this.confirming.size === 0) return;
    this.confirmRunning = true;
    this.lastConfirmAt = this.now();
    const batch = [...this.confirming];
    try {
      const since = Math.min(...batch.map((w) => w.mark!.since));
      const needed = Math.max(...batch.map((w) => w.confirmableBy!));
      const recent = [this.recentScan, this.tickScan].find((scan) => scan && scan.number >= needed);
      const table = recent ? recent.table : await this.readTableSoon();
      const runs = await this.runsSince(since, table);
      const tookMs = this.now() - this.lastConfirmAt;
      this.confirmSpacingMs = Math.min(
        MAX_CONFIRM_SPACING_MS,
        Math.max(CONFIRM_INTERVAL_MS, tookMs * CONFIRM_SPACING_PER_READ),
      );
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
    clearTimeout(this.forgetMarks);
    this.forgetMarks = setTimeout(() => this.marks.clear(), MARKS_KEPT_MS);
    this.forgetMarks.unref();
  }

  private readTableSoon(): Promise<ProcTable> {
    this.scans += 1;
    return this.options.readTableAsync?.() ?? Promise.resolve(this.source.readTable());
  }

  /** The backend's runsSince over the processes whose run no earlier confirm found. */
  private async runsSince(since: number, table: ProcTable): Promise<Map<string, number[]>> {
    const runs = new Map<string, number[]>();
    const unknown: ProcTable = new Map();
    for (const entry of table.values()) {
      if (!isAlive(entry) || entry.startTime < since) continue;
      const known = this.marks.get(entry.pid);
      if (known?.startTime !== entry.startTime) unknown.set(entry.pid, entry);
      else addTo(runs, known.run, entry.pid);
    }
    for (const [run, pids] of await this.source.runsSince(since, unknown)) {
      for (const pid of pids) {
        addTo(runs, run, pid);
        const entry = unknown.get(pid);
        if (entry) this.marks.set(pid, { startTime: entry.startTime, run });
      }
    }
    return runs;
  }

  private sharedScan(): Scan {
    if (this.recentScan) return this.recentScan;
    const number = this.scans + 1;
    const table = this.source.readTable();
    this.scans = number;
    const scan = { table, index: indexProcTable(table), number };
    this.recentScan = scan;
    setTimeout(() => {
      if (this.recentScan === scan) this.recentScan = null;
    }, SCAN_SHARED_MS).unref();
    return scan;
  }

  private tick(): void {
    if (this.ticking) return;
    this.ticking = true;
    const read = this.readTableSoon();
    const number = this.scans;
    read
      .then(
        (table) => this.judge(table, number),
        () => {}, // out of descriptors: the next tick tries again
      )
      .finally(() => {
        this.ticking = false;
      });
  }

  /** The trees of the waiters against the table of scan `number`. */
  private judge(table: ProcTable, number: number): void {
    this.tickScan = { table, number };
    // One index for every waiter of the tick: a `stop all` of many apps walks the table once.
    const index = indexProcTable(table);
    for (const waiter of this.waiters) {
      // Its processes may have forked after this read began, unseen: the next tick judges it.
      if (waiter.scansBefore >= number) continue;
      const alive = treeOf(table, index, waiter.pgid, waiter.tracked);
      waiter.tracked.clear();
      for (const pid of alive) waiter.tracked.add(pid);
      if (alive.length > 0) {
        waiter.emptyIn = undefined;
        continue;
      }
      if (!waiter.mark && waiter.emptyIn === undefined) {
        // No mark to look for: its tree must look empty in a read begun after this one too.
        waiter.emptyIn = number;
        waiter.scansBefore = number;
        continue;
      }
      this.waiters.delete(waiter);
      // A read begun after this judgment: not one begun while this tick's read went on.
      this.confirm(waiter, this.scans + 1);
    }
    if (this.confirming.size > 0) void this.confirmAll();
    if (this.waiters.size === 0 && this.confirming.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
      this.tickScan = null;
    }
  }
}

function addTo(runs: Map<string, number[]>, run: string, pid: number): void {
  const pids = runs.get(run);
  if (pids) pids.push(pid);
  else runs.set(run, [pid]);
}
