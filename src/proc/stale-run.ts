// What is left of a run that a new daemon cannot adopt (its main process died while no daemon
// watched): the rest of its process group, and any process still writing into the instance's
// pipes. They belong to no run any more, and next to a fresh run they would be duplicates.
import fs from 'node:fs';
import { treePids } from './proc-index.js';
import { isAlive, type ProcTable, readProcTable } from './proc-table.js';

export interface StaleRun {
  /** The main pid and its /proc start time, as the previous daemon recorded them. */
  pid: number;
  pidStartTime: number | null;
  /** The instance's named pipes. */
  pipes: string[];
}

export interface StaleRunDeps {
  readTable: () => ProcTable;
  /** Targets of a process's open file descriptors; empty when they cannot be read. */
  readFdTargets: (pid: number) => string[];
  /** The daemon itself holds the pipes too. */
  selfPid: number;
}

function readFdTargets(pid: number): string[] {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      try {
        return [fs.readlinkSync(`/proc/${pid}/fd/${fd}`)];
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

const defaultDeps: StaleRunDeps = { readTable: readProcTable, readFdTargets, selfPid: process.pid };

/** No process is in group -1: treePids then follows the roots' descendants only. */
const NO_GROUP = -1;

/** Pids of the run's leftovers, with their descendants; empty when nothing is left. */
export function staleRunPids(run: StaleRun, deps: StaleRunDeps = defaultDeps): number[] {
  const table = deps.readTable();
  const leader = table.get(run.pid);
  // A process with that pid is either the run's own (dead) main or a stranger that reused the pid,
  // whose group is not ours. With no such process, the kernel keeps the pid out of reuse while
  // the group lives, so the group's members are ours.
  const groupIsOurs = leader === undefined || leader.startTime === run.pidStartTime;
  const roots: number[] = [];
  for (const entry of table.values()) {
    // Nothing started before the run's main process can descend from it.
    if (!isAlive(entry) || entry.pid === deps.selfPid || entry.startTime < (run.pidStartTime ?? 0)) continue;
    const inGroup = groupIsOurs && (entry.pgrp === run.pid || entry.session === run.pid);
    if (inGroup || deps.readFdTargets(entry.pid).some((target) => run.pipes.includes(target))) {
      roots.push(entry.pid);
    }
  }
  if (roots.length === 0) return [];
  return treePids(table, NO_GROUP, roots).filter((pid) => pid !== deps.selfPid);
}
