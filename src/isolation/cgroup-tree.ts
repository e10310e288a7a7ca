// An instance's process tree when a cgroup holds it: the cgroup, not the process group or the
// session, says which processes are the run's, so a double-forked daemon is found, signalled and
// waited for; kill and pause act on the whole cgroup at once. What is not about membership (is a
// pid alive, its start time, exit watches) stays with the /proc tree it wraps.
import { readProcEntry } from '../proc/proc-table.js';
import type { InstanceTree, ProcessTree } from '../supervisor/world.js';
import type { InstanceCgroup } from './instance-cgroup.js';

/** Checks the waiting cgroups on one timer, at most MAX_CHECKS_PER_TICK of them per tick in
 * turn (a stop of 10,000 instances that wait out their kill timeout must not read 10,000 files
 * every 20 ms); a check returns true once it is done. */
export class CgroupPoller {
  private checks: Array<() => boolean> = [];
  private next = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs = 20,
    private readonly perTick = MAX_CHECKS_PER_TICK,
  ) {}

  add(check: () => boolean): void {
    if (check()) return;
    this.checks.push(check);
    this.timer ??= setInterval(() => this.tick(), this.intervalMs);
  }

  private tick(): void {
    const count = Math.min(this.perTick, this.checks.length);
    const done = new Set<number>();
    for (let i = 0; i < count; i++) {
      const at = (this.next + i) % this.checks.length;
      if (this.checks[at]!()) done.add(at);
    }
    this.next = (this.next + count) % Math.max(1, this.checks.length);
    if (done.size > 0) {
      this.checks = this.checks.filter((_, i) => !done.has(i));
      this.next = 0;
    }
    if (this.checks.length === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }
}

/** About 5 ms of reads per tick. */
const MAX_CHECKS_PER_TICK = 500;

export interface CgroupTreeOptions {
  cgroup: InstanceCgroup;
  proc: ProcessTree;
  poller: CgroupPoller;
  /** A process of the run found outside its cgroup (it was moved out): an isolation breach. */
  onEscaped: (pids: number[]) => void;
}

export function cgroupTree({ cgroup, proc, poller, onEscaped }: CgroupTreeOptions): InstanceTree {
  /** Processes of the run found outside the cgroup by their PM_RUN mark (moved out by root): never
   * a pid merely seen before, which may belong to a stranger by now. Made on the first one: most
   * runs have none, and 1000 empty sets are 0.15 MB. */
  let escapees: Set<number> | null = null;
  /** The cgroup's members and the live escapees: `tracked` becomes the lot. */
  const liveTree = (tracked: Set<number>): { members: number[]; escaped: number[] } => {
    const members = cgroup.members();
    const inside = new Set(members);
    const escaped = [...(escapees ?? [])].filter((pid) => !inside.has(pid) && proc.isAlive(pid));
    tracked.clear();
    for (const pid of [...members, ...escaped]) tracked.add(pid);
    return { members, escaped };
  };
  return {
    ...proc,
    // One signal to -pgid reaches the group; the cgroup's other members get theirs by pid.
    outsideGroup: (pgid, tracked) => {
      const { members, escaped } = liveTree(tracked);
      return [...members.filter((pid) => readProcEntry(pid)?.pgrp !== pgid), ...escaped];
    },
    // "Some process of the run is left", which for a cgroup is the whole cgroup, not the group.
    groupExists: () => cgroup.populated(),
    waitGone: (pgid, tracked, mark, onStragglers) =>
      new Promise<void>((resolve) => {
        poller.add(() => {
          if (cgroup.populated()) {
            // Killed, and not empty yet: again (v1's freeze-and-kill may miss a child forked meanwhile).
            if (cgroup.killed) cgroup.kill();
            return false;
          }
          // Empty: what is left of the run is outside the cgroup (it was moved out), found by its
          // group, its tracked pids or its mark, and waited for too.
          const escaped = (pids: number[]) => {
            escapees ??= new Set();
            for (const pid of pids) escapees.add(pid);
            onEscaped(pids);
            onStragglers(pids);
          };
          proc.waitGone(pgid, tracked, mark, escaped).then(() => {
            escapees = null;
            resolve();
          });
          return true;
        });
      }),
    // A populated cgroup freezes at once; an empty one (a run adopted from a daemon without
    // cgroups) is left to SIGSTOP. Thawing always thaws the cgroup, and says false when the run
    // is not in it, so that SIGCONT goes out as well.
    freeze: (frozen) => {
      if (frozen) return cgroup.populated() && cgroup.freeze(true);
      return cgroup.freeze(false) && cgroup.populated();
    },
    // The cgroup at once; an escapee by pid.
    killAll: (tracked) => {
      cgroup.kill();
      const { escaped } = liveTree(tracked);
      if (escaped.length > 0) proc.signal(escaped, 'SIGKILL');
    },
    release: () => cgroup.remove(),
    usage: () => cgroup.usage(),
    members: () => cgroup.members(),
    breaches: () => cgroup.breaches(),
  };
}
