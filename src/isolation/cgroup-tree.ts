// An instance's process tree when a cgroup holds it: the cgroup, not the process group or the
// session, says which processes are the run's, so a double-forked daemon is found, signalled and
// waited for; kill and pause act on the whole cgroup at once. What is not about membership (is a
// pid alive, its start time, exit watches) stays with the /proc tree it wraps.
import { readProcEntry } from '../proc/proc-table.js';
import type { InstanceTree, ProcessTree } from '../supervisor/world.js';
import type { InstanceCgroup } from './instance-cgroup.js';

/** Checks every waiting cgroup on one timer; a check returns true once it is done. */
export class CgroupPoller {
  private readonly checks = new Set<() => boolean>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly intervalMs = 20) {}

  add(check: () => boolean): void {
    if (check()) return;
    this.checks.add(check);
    this.timer ??= setInterval(() => this.tick(), this.intervalMs);
  }

  private tick(): void {
    for (const check of this.checks) if (check()) this.checks.delete(check);
    if (this.checks.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }
}

export interface CgroupTreeOptions {
  cgroup: InstanceCgroup;
  proc: ProcessTree;
  poller: CgroupPoller;
  /** A process of the run found outside its cgroup (it was moved out): an isolation breach. */
  onEscaped: (pids: number[]) => void;
}

export function cgroupTree({ cgroup, proc, poller, onEscaped }: CgroupTreeOptions): InstanceTree {
  const members = (tracked: Set<number>): number[] => {
    const pids = cgroup.members();
    tracked.clear();
    for (const pid of pids) tracked.add(pid);
    return pids;
  };
  return {
    ...proc,
    // One signal to -pgid reaches the group; the cgroup's other members get theirs by pid.
    outsideGroup: (pgid, tracked) => members(tracked).filter((pid) => readProcEntry(pid)?.pgrp !== pgid),
    // "Some process of the run is left", which for a cgroup is the whole cgroup, not the group.
    groupExists: () => cgroup.populated(),
    waitGone: (pgid, tracked, mark, onStragglers) =>
      new Promise<void>((resolve) => {
        poller.add(() => {
          if (cgroup.populated()) return false;
          tracked.clear();
          // Empty: a process carrying the run's mark elsewhere was moved out of the cgroup.
          const escaped = (pids: number[]) => {
            onEscaped(pids);
            onStragglers(pids);
          };
          proc.waitGone(pgid, tracked, mark, escaped).then(resolve);
          return true;
        });
      }),
    freeze: (frozen) => cgroup.freeze(frozen),
    killAll: () => {
      cgroup.kill();
      return true;
    },
    release: () => cgroup.remove(),
    usage: () => cgroup.usage(),
    members: () => cgroup.members(),
    breaches: () => cgroup.breaches(),
  };
}
