// What a new daemon kills of a run it cannot adopt, on fake process tables: the old group when its
// leader is gone, pipe writers that left it, never a stranger that reused the pid.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProcEntry, ProcTable } from '../../../src/proc/proc-table.js';
import { type StaleRunDeps, staleRunPids } from '../../../src/proc/stale-run.js';

const PIPES = ['/home/pipes/web-0.out', '/home/pipes/web-0.err'];
const run = { pid: 100, pidStartTime: 5_000, pipes: PIPES };
const DAEMON = 900;

const proc = (pid: number, ppid: number, pgrp: number, startTime: number, state = 'S'): ProcEntry => ({
  pid,
  ppid,
  pgrp,
  session: 0,
  state,
  startTime,
  cpuTicks: 0,
  rssPages: 0,
});

function deps(entries: ProcEntry[], fds: Record<number, string[]> = {}): StaleRunDeps {
  const table: ProcTable = new Map(entries.map((e) => [e.pid, e]));
  return {
    readTable: () => table,
    readFdTargets: (pids) => new Map(pids.map((pid) => [pid, fds[pid] ?? []])),
    selfPid: DAEMON,
  };
}

const daemon = proc(DAEMON, 1, DAEMON, 9_000);
const bystander = proc(50, 1, 50, 100);

interface Row {
  name: string;
  entries: ProcEntry[];
  fds?: Record<number, string[]>;
  expected: number[];
}

const rows: Row[] = [
  { name: 'nothing left: nothing to kill', entries: [daemon, bystander], expected: [] },
  {
    name: 'the leader is gone: the rest of its group and their children go',
    entries: [
      daemon,
      bystander,
      proc(101, 1, 100, 5_010),
      proc(102, 101, 100, 5_020),
      proc(103, 102, 103, 5_030),
    ],
    expected: [101, 102, 103],
  },
  {
    name: 'the leader is a zombie with the recorded start time: the group is still ours',
    entries: [daemon, proc(100, 1, 100, 5_000, 'Z'), proc(101, 100, 100, 5_010)],
    expected: [101],
  },
  {
    name: 'a stranger reused the pid: its group is left alone',
    entries: [daemon, proc(100, 1, 100, 8_000), proc(104, 100, 100, 8_010)],
    expected: [],
  },
  {
    name: 'a process that left the group but still writes into the pipes goes, with its children',
    entries: [daemon, proc(300, 1, 300, 5_050), proc(301, 300, 300, 5_060)],
    fds: { 300: ['/dev/null', PIPES[0]!] },
    expected: [300, 301],
  },
  {
    name: 'the daemon holds the pipes too and is never a leftover',
    entries: [daemon],
    fds: { [DAEMON]: PIPES },
    expected: [],
  },
  {
    name: 'a process older than the run cannot descend from it, whatever its files',
    entries: [daemon, proc(60, 1, 60, 4_000)],
    fds: { 60: [PIPES[1]!] },
    expected: [],
  },
  {
    name: 'zombies of the old group are already dead',
    entries: [daemon, proc(101, 1, 100, 5_010, 'Z')],
    expected: [],
  },
];

for (const row of rows) {
  test(`staleRunPids: ${row.name}`, () => {
    assert.deepEqual(staleRunPids(run, deps(row.entries, row.fds)).sort(), row.expected);
  });
}
