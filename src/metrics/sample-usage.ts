// CPU and memory of every instance's whole process tree, from one /proc scan per tick. The scan
// that finds each tree already holds every process's CPU ticks and RSS, so nothing is read twice
// (pidusage would re-read each pid's stat file).
import { execFileSync } from 'node:child_process';
import { type ProcTable, readProcTable, treePids } from '../supervisor/process-tree.js';

export interface SampleTarget {
  id: number;
  /** The instance's main pid, which is also its process group id. */
  pgid: number;
  /** Pids known to belong to the tree (descendants that left the group). */
  tracked: Iterable<number>;
}

export interface TreeUsage {
  /** Percent of one core over the last interval, summed over the tree. */
  cpuPercent: number;
  memoryBytes: number;
  /** The live pids of the tree. */
  pids: number[];
}

function getconf(name: string, fallback: number): number {
  try {
    return Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim()) || fallback;
  } catch {
    return fallback;
  }
}

export class UsageSampler {
  private previous = new Map<number, { startTime: number; cpuTicks: number }>();
  private previousAt: number | null = null;
  private readonly pageBytes: number;
  private readonly ticksPerSecond: number;

  constructor(private readonly readTable: () => ProcTable = readProcTable) {
    this.pageBytes = getconf('PAGESIZE', 4096);
    this.ticksPerSecond = getconf('CLK_TCK', 100);
  }

  sample(targets: SampleTarget[], now = Date.now()): Map<number, TreeUsage> {
    const table = this.readTable();
    const elapsedTicks =
      this.previousAt === null ? 0 : ((now - this.previousAt) / 1000) * this.ticksPerSecond;
    const current = new Map<number, { startTime: number; cpuTicks: number }>();
    const usage = new Map<number, TreeUsage>();
    for (const target of targets) {
      const pids = treePids(table, target.pgid, target.tracked);
      let ticks = 0;
      let pages = 0;
      for (const pid of pids) {
        const entry = table.get(pid)!;
        const before = this.previous.get(pid);
        // A pid seen for the first time (or reused) spent all its ticks within this interval.
        ticks += entry.cpuTicks - (before && before.startTime === entry.startTime ? before.cpuTicks : 0);
        pages += entry.rssPages;
        current.set(pid, { startTime: entry.startTime, cpuTicks: entry.cpuTicks });
      }
      usage.set(target.id, {
        cpuPercent: elapsedTicks > 0 ? Math.max(0, (ticks / elapsedTicks) * 100) : 0,
        memoryBytes: pages * this.pageBytes,
        pids,
      });
    }
    this.previous = current;
    this.previousAt = now;
    return usage;
  }
}
