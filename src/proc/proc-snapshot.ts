// The process table as the sampler sees it, kept from tick to tick: processes of the trees are
// read again at every tick (their CPU and RSS move), pids not seen before are read once (a new
// child), and the rest keep their last entry, all of it read again every FULL_READ_EVERY ticks
// (pid reuse, setpgid). On a tick where the pid list is not read again, the table is updated in
// place and its index rebuilt only if a process moved: such a tick allocates almost nothing.

import { indexProcTable, type ProcIndex } from './proc-index.js';
import { ProcReader } from './proc-reader.js';
import { isAlive, type ProcEntry, type ProcTable } from './proc-table.js';

const FULL_READ_EVERY = 30;

/** Where the table comes from; tests pass a fake. */
export interface ProcSource {
  /** Every pid, and whether the list was read again (`force`: it must be). */
  listPids: (force: boolean) => { pids: number[]; changed: boolean };
  /** `hot`: a process of a tree, read again at the next tick. */
  readEntry: (pid: number, hot: boolean) => ProcEntry | null;
  endTick: () => void;
}

export function procSource(): ProcSource {
  const reader = new ProcReader();
  return {
    listPids: (force) => reader.pids(force),
    readEntry: (pid, hot) => reader.read(pid, hot),
    endTick: () => reader.endTick(),
  };
}

export class ProcSnapshot {
  table: ProcTable = new Map();
  index: ProcIndex = indexProcTable(this.table);
  private ticks = 0;

  constructor(private readonly source: ProcSource) {}

  /** Brings the table up to date for this tick, reading `hot` pids again. */
  update(hot: ReadonlySet<number>): void {
    const full = this.ticks++ % FULL_READ_EVERY === 0;
    const { pids, changed } = this.source.listPids(full);
    if (full || changed) this.rebuild(pids, hot, full);
    else this.refresh(hot);
    this.source.endTick();
  }

  private rebuild(pids: number[], hot: ReadonlySet<number>, full: boolean): void {
    const table: ProcTable = new Map();
    for (const pid of pids) {
      const cached = this.table.get(pid);
      const entry = full || !cached || hot.has(pid) ? this.source.readEntry(pid, hot.has(pid)) : cached;
      if (entry) table.set(pid, entry);
    }
    this.table = table;
    this.index = indexProcTable(table);
  }

  /** Re-read the hot pids in place (a new instance's is added); re-index only when one came, went or moved. */
  private refresh(hot: ReadonlySet<number>): void {
    let moved = false;
    for (const pid of hot) {
      const before = this.table.get(pid);
      const entry = this.source.readEntry(pid, true);
      if (!entry) {
        moved ||= this.table.delete(pid);
        continue;
      }
      if (
        !before ||
        entry.ppid !== before.ppid ||
        entry.pgrp !== before.pgrp ||
        entry.session !== before.session ||
        isAlive(entry) !== isAlive(before)
      ) {
        moved = true;
      }
      this.table.set(pid, entry);
    }
    if (moved) this.index = indexProcTable(this.table);
  }
}
