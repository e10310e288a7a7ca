// The one tree walk, on a fake process table: what stop, stale-run clean-up and metrics count as
// an instance's tree.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { indexProcTable, treeOf, treePids } from '../../../src/proc/proc-index.js';
import type { ProcEntry, ProcTable } from '../../../src/proc/proc-table.js';

const entry = (pid: number, ppid: number, pgrp: number, state = 'S'): ProcEntry => ({
  pid,
  ppid,
  pgrp,
  session: 0,
  state,
  startTime: pid,
  cpuTicks: 0,
  rssPages: 0,
});

// Instance 100: its group (100, 101), a child that left the group (102) and its grandchild (103), a
// zombie child (104), a tracked pid outside the group (200) and its child (201); 300 is a stranger.
const table: ProcTable = new Map(
  [
    entry(1, 0, 1),
    entry(100, 1, 100),
    entry(101, 100, 100),
    entry(102, 101, 102),
    entry(103, 102, 102),
    entry(104, 100, 100, 'Z'),
    entry(200, 1, 200),
    entry(201, 200, 200),
    entry(300, 1, 300),
  ].map((e) => [e.pid, e]),
);

test('a tree is the live group, the live roots, and every live descendant of either', () => {
  const tree = treeOf(table, indexProcTable(table), 100, [200]);
  assert.deepEqual(
    tree.sort((a, b) => a - b),
    [100, 101, 102, 103, 200, 201],
  );
});

test('a group with no process leaves the roots and their descendants; a dead root is not followed', () => {
  const withDeadRoot = new Map(table).set(200, entry(200, 1, 200, 'Z'));
  assert.deepEqual(treePids(table, -1, [102]).sort(), [102, 103]);
  assert.deepEqual(treePids(withDeadRoot, -1, [200]), []);
});

test("a tree holds its session's members: one that left the group and was re-parented is still found", () => {
  const orphan: ProcEntry = { ...entry(400, 1, 400), session: 100 };
  const withOrphan: ProcTable = new Map([...table, [400, orphan]]);
  assert.ok(treeOf(withOrphan, indexProcTable(withOrphan), 100, []).includes(400));
  assert.ok(!treeOf(withOrphan, indexProcTable(withOrphan), 300, []).includes(400));
});
