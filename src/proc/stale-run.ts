// What is left of a run that a new daemon cannot adopt (its main process died while no daemon
// watched): the rest of its process group, and any process still writing into the instance's
// pipes. They belong to no run any more, and next to a fresh run they would be duplicates.
import { treePids } from './proc-index.js';
import { isAlive, type ProcTable } from './proc-table.js';

export interface StaleRun {
  /** The main pid and its start time, as the previous daemon recorded them. */
  pid: number;
  pidStartTime: number | null;
  /** The instance's named pipes. */
  pipes: string[];
}

export interface StaleRunDeps {
  readTable: () => ProcTable;
  /** Targets of the processes' open file descriptors; a pid whose cannot be read is absent. */
  readFdTargets: (pids: readonly number[]) => Map<number, string[]>;
  /** The daemon itself holds the pipes too. */
  selfPid: number;
}

/** No process is in group -1: treePids then follows the roots' descendants only. */
const NO_GROUP = -1;

/** Pids of the run's leftovers, with their descendants; empty when nothing is left. */
export function staleRunPids(run: StaleRun, deps: StaleRunDeps): number[] {
  const table = deps.readTable();
  const leader = table.get(run.pid);
  // A process with that pid is either the run's own (dead) main or a stranger that reused the pid,
  // whose group is not ours. With no such process, the kernel keeps the pid out of reuse while
  // the group lives, so the group's members are ours.
  const groupIsOurs = leader === undefined || leader.startTime === run.pidStartTime;
  const roots: number[] = [];
  const others: number[] = [];
  for (const entry of table.values()) {
    // Nothing started before the run's main process can descend from it.
    if (!isAlive(entry) || entry.pid === deps.selfPid || entry.startTime < (run.pidStartTime ?? 0)) continue;
    const inGroup = groupIsOurs && (entry.pgrp === run.pid || entry.session === run.pid);
    (inGroup ? roots : others).push(entry.pid);
  }
  // The descriptors of all the others in one read (one lsof without /proc).
  for (const [pid, targets] of deps.readFdTargets(others))
    if (targets.some((target) => run.pipes.includes(target))) roots.push(pid);
  if (roots.length === 0) return [];
  return treePids(table, NO_GROUP, roots).filter((pid) => pid !== deps.selfPid);
}
