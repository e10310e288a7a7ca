// CPU and memory of every instance's whole process tree, from one read of the process table per
// tick. With /proc, the scan that finds each tree already holds every process's CPU ticks and RSS,
// so nothing is read twice (pidusage would re-read each pid's stat file); ProcSnapshot keeps that
// scan cheap. Without /proc, the portable backend fills the same entries from ps and pidusage.
import type { ProcBackend } from '../proc/proc-backend.js';
import { treeOf } from '../proc/proc-index.js';
import { ProcSnapshot } from '../proc/proc-snapshot.js';
import { UNKNOWN_CPU } from '../proc/proc-table.js';

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

/** A pid or an instance not sampled for this long is forgotten (a full round at 10,000 instances
 * takes 80 s). */
const FORGET_AFTER_MS = 5 * 60_000;

export class UsageSampler {
  /** Each pid's CPU ticks when it was last read, and when. */
  private previous = new Map<number, { startTime: number; cpuTicks: number; at: number }>();
  /** When each instance was last sampled (the monitor samples a slice of them per tick), and its tree then. */
  private trees = new Map<number, { at: number; pids: number[] }>();
  private readonly snapshot: ProcSnapshot;

  constructor(private readonly backend: Pick<ProcBackend, 'snapshotSource' | 'units'>) {
    this.snapshot = new ProcSnapshot(backend.snapshotSource());
  }

  sample(targets: SampleTarget[], now = Date.now()): Map<number, TreeUsage> {
    const { pageBytes, ticksPerSecond } = this.backend.units();
    this.snapshot.update(this.hotPids(targets));
    const { table, index } = this.snapshot;
    const usage = new Map<number, TreeUsage>();
    for (const target of targets) {
      const last = this.trees.get(target.id);
      const elapsedTicks = last === undefined ? 0 : ((now - last.at) / 1000) * ticksPerSecond;
      const pids = treeOf(table, index, target.pgid, target.tracked);
      this.trees.set(target.id, { at: now, pids });
      let ticks = 0;
      let pages = 0;
      for (const pid of pids) {
        const entry = table.get(pid)!;
        const before = this.previous.get(pid);
        const same = before !== undefined && before.startTime === entry.startTime;
        // A pid seen for the first time (or reused) spent all its ticks within this interval; a
        // first known figure after unknown ones (ps, then pidusage) is only the baseline, or an
        // adopted process's whole life would count as one interval.
        if (entry.cpuTicks !== UNKNOWN_CPU && !(same && before.cpuTicks === UNKNOWN_CPU))
          ticks += entry.cpuTicks - (same ? before.cpuTicks : 0);
        pages += entry.rssPages;
        this.previous.set(pid, { startTime: entry.startTime, cpuTicks: entry.cpuTicks, at: now });
      }
      usage.set(target.id, {
        cpuPercent: elapsedTicks > 0 ? Math.max(0, (ticks / elapsedTicks) * 100) : 0,
        memoryBytes: pages * pageBytes,
        pids,
      });
    }
    // The other slices' pids and trees stay; those not read for a while are gone.
    for (const [pid, entry] of this.previous) if (now - entry.at > FORGET_AFTER_MS) this.previous.delete(pid);
    for (const [id, tree] of this.trees) if (now - tree.at > FORGET_AFTER_MS) this.trees.delete(id);
    return usage;
  }

  /** The pids to read again: each target's tree when it was last sampled, its group leader and its tracked pids. */
  private hotPids(targets: SampleTarget[]): Set<number> {
    const hot = new Set<number>();
    for (const target of targets) {
      for (const pid of this.trees.get(target.id)?.pids ?? []) hot.add(pid);
      hot.add(target.pgid);
      for (const pid of target.tracked) hot.add(pid);
    }
    return hot;
  }
}
