// One pass over the process table for every instance at once: children by parent and members by
// process group, so that the trees of 1000 instances cost one walk of the table instead of 1000.
// treeOf is the only tree walk: stop, stale-run clean-up and metrics all find a tree with it.
import { isAlive, type ProcTable } from './proc-table.js';

export interface ProcIndex {
  children: Map<number, number[]>;
  groups: Map<number, number[]>;
  sessions: Map<number, number[]>;
}

function push(map: Map<number, number[]>, key: number, pid: number): void {
  const list = map.get(key);
  if (list) list.push(pid);
  else map.set(key, [pid]);
}

export function indexProcTable(table: ProcTable): ProcIndex {
  const index: ProcIndex = { children: new Map(), groups: new Map(), sessions: new Map() };
  for (const entry of table.values()) {
    if (!isAlive(entry)) continue;
    push(index.children, entry.ppid, entry.pid);
    push(index.groups, entry.pgrp, entry.pid);
    push(index.sessions, entry.session, entry.pid);
  }
  return index;
}

/** The live pids of an instance: its process group and session (both named by its main pid),
 * `roots`, and all their descendants. The kernel does not reuse a pid while a group or session of
 * that id lives, so their members are the instance's. */
export function treeOf(table: ProcTable, index: ProcIndex, pgid: number, roots: Iterable<number>): number[] {
  const found = new Set([...(index.groups.get(pgid) ?? []), ...(index.sessions.get(pgid) ?? [])]);
  const queue = [...found];
  for (const root of roots) {
    if (isAlive(table.get(root)) && !found.has(root)) {
      found.add(root);
      queue.push(root);
    }
  }
  while (queue.length > 0) {
    for (const child of index.children.get(queue.pop()!) ?? []) {
      if (!found.has(child)) {
        found.add(child);
        queue.push(child);
      }
    }
  }
  return [...found];
}

/** treeOf over a table read for one walk (a stale run, one reaper check): it indexes the table itself. */
export function treePids(table: ProcTable, pgid: number, roots: Iterable<number> = []): number[] {
  return treeOf(table, indexProcTable(table), pgid, roots);
}
