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
  /** The cgroup's members, and processes of the run found outside it (escaped) that still live:
   * `tracked` becomes the lot, so that a stop reaches an escapee as well. */
  const liveTree = (tracked: Set<number>): { members: number[]; escaped: number[] } => {
    const members = cgroup.members();
    const inside = new Set(members);
    const escaped = [...tracked].filter((pid) => !inside.has(pid) && proc.isAlive(pid));
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
          if (cgroup.populated()) return false;
          // Empty: what is left of the run is outside the cgroup (it was moved out), found by its
          // group, its tracked pids or its mark, and waited for too.
          const escaped = (pids: number[]) => {
            onEscaped(pids);
            onStragglers(pids);
          };
          proc.waitGone(pgid, tracked, mark, escaped).then(resolve);
          return true;
        });
      }),
    // An empty cgroup (a run adopted from a daemon without cgroups) leaves it to SIGSTOP/SIGCONT.
    freeze: (frozen) => cgroup.populated() && cgroup.freeze(frozen),
    // The cgroup at once; an escapee by pid.
    killAll: (tracked) => {
      cgroup.kill();
      proc.signal(liveTree(tracked).escaped, 'SIGKILL');
    },
    release: () => cgroup.remove(),
    usage: () => cgroup.usage(),
    members: () => cgroup.members(),
    breaches: () => cgroup.breaches(),
  };
}
