// The monitor's table (a ProcSource, see proc-snapshot.ts) from ps, refreshed in the background:
// a fork at every tick would hold the event loop, so each tick reads the last table that arrived
// while the next one is read. A refresh is `ps -A` (with RSS), then pidusage for the CPU time of
// the processes of the trees (the hot pids of the tick before). Only the very first table is read
// synchronously, so that the first sample has processes to find.
import pidusage from 'pidusage';
import type { ProcSource } from '../proc-snapshot.js';
import { isAlive, type ProcEntry, type ProcTable } from '../proc-table.js';
import { readPsTable, readPsTableAsync } from './ps-table.js';

type Usage = Record<string, pidusage.Status>;

/** CPU time (ms) of the pids; none when pidusage fails (no pid matched). */
async function readUsage(pids: number[]): Promise<Usage> {
  if (pids.length === 0) return {};
  try {
    return await pidusage(pids, { usePs: true });
  } catch {
    return {};
  }
}

export class PsSnapshotSource implements ProcSource {
  private table: ProcTable | null = null;
  private arrived = false;
  private refreshing = false;
  /** The hot pids read since the last refresh started: the next one reads their usage. */
  private hot = new Set<number>();

  listPids(force: boolean): { pids: number[]; changed: boolean } {
    if (!this.table) this.table = this.readFirst();
    const changed = force || this.arrived;
    this.arrived = false;
    return { pids: [...this.table.keys()], changed };
  }

  readEntry(pid: number, hot: boolean): ProcEntry | null {
    if (hot) this.hot.add(pid);
    return this.table?.get(pid) ?? null;
  }

  endTick(): void {
    if (this.refreshing) return;
    this.refreshing = true;
    const hot = [...this.hot];
    this.hot = new Set();
    this.refresh(hot)
      .catch(() => {
        // ps could not run: the last table stays, and the next tick tries again.
      })
      .finally(() => {
        this.refreshing = false;
      });
  }

  private readFirst(): ProcTable {
    this.arrived = true;
    try {
      return readPsTable();
    } catch {
      return new Map(); // the refresh at the end of the tick tries again
    }
  }

  private async refresh(hot: number[]): Promise<void> {
    const table = await readPsTableAsync();
    const usage = await readUsage(hot.filter((pid) => isAlive(table.get(pid))));
    for (const entry of table.values()) {
      const sampled = usage[entry.pid];
      const before = this.table?.get(entry.pid);
      if (sampled) entry.cpuTicks = sampled.ctime;
      // Not sampled this time: the last figure stays, so that CPU time never seems to go back.
      else if (before && before.startTime === entry.startTime) entry.cpuTicks = before.cpuTicks;
    }
    this.table = table;
    this.arrived = true;
  }
}
