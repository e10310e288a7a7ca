// The reaper confirms the trees that look empty together: one /proc scan for a whole `stop all`,
// and a failing scan (out of descriptors) is tried again instead of leaving a stop hanging.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProcTable } from '../../../src/proc/proc-table.js';
import { CONFIRM_INTERVAL_MS, type ReaperSource, TreeReaper } from '../../../src/proc/tree-reaper.js';

/** A process table that `readTable` gives, and nothing else of the backend. */
function source(readTable: () => ProcTable, reapIntervalMs: number): ReaperSource {
  return { readTable, readEntries: () => new Map(), runsSince: async () => new Map(), reapIntervalMs };
}

/** Group ids no process has: every tree is empty from the start. */
const NO_GROUP = 2 ** 22 + 12_345;
/** Later than any process's start: no process is a candidate straggler. */
const FUTURE = Number.MAX_SAFE_INTEGER;

test('the trees of a stop all that look empty are confirmed with one scan of /proc', async () => {
  let scans = 0;
  const reaper = new TreeReaper(
    source(() => {
      scans += 1;
      return new Map() as ProcTable;
    }, 20),
  );
  const runs = Array.from({ length: 200 }, (_, i) =>
    reaper.waitGone(NO_GROUP + i, new Set(), { id: `run-${i}`, since: FUTURE }, () =>
      assert.fail('stragglers'),
    ),
  );
  await Promise.all(runs);
  assert.equal(scans, 1);
});

test('a scan that fails (EMFILE) is tried again, and the stop completes', async () => {
  let scans = 0;
  const reaper = new TreeReaper(
    source(() => {
      scans += 1;
      if (scans === 1) throw Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' });
      return new Map() as ProcTable;
    }, 5),
  );
  await reaper.waitGone(NO_GROUP, new Set(), { id: 'run', since: FUTURE }, () => {});
  assert.equal(scans, 2);
});

/** A live process of the fake table, started at `startTime`. */
function entry(pid: number, startTime: number) {
  return { pid, ppid: 1, pgrp: pid, session: pid, state: 'S', startTime, cpuTicks: 0, rssPages: 0 };
}

test("a tree that looks empty in a tick's read is confirmed by a read begun after it: a process forked meanwhile is found by its mark", async () => {
  const child = entry(3000, 200);
  let scans = 0;
  let childAlive = false;
  const reaper = new TreeReaper({
    ...source(() => {
      scans += 1;
      // The tick's read (the first) misses the child, forked while it read.
      if (scans === 1) childAlive = true;
      else if (childAlive) return new Map([[child.pid, child]]) as ProcTable;
      return new Map() as ProcTable;
    }, 5),
    runsSince: async (_since, table) => new Map(table.has(child.pid) ? [['run', [child.pid]]] : []),
    // The tracked pid is alive when the wait starts: the ticks find it gone.
    readEntries: (pids) => new Map(pids.map((pid) => [pid, entry(pid, 0)])),
  });
  const stragglers: number[][] = [];
  await reaper.waitGone(NO_GROUP, new Set([NO_GROUP]), { id: 'run', since: 100 }, (pids) => {
    stragglers.push(pids);
    childAlive = false; // it gets the stop signal, and goes
  });
  assert.deepEqual(stragglers, [[child.pid]]);
});

test('a run without a mark is gone once its tree looks empty in two reads, one begun after the other', async () => {
  let scans = 0;
  const reaper = new TreeReaper({
    ...source(() => {
      scans += 1;
      return new Map() as ProcTable;
    }, 5),
    readEntries: (pids) => new Map(pids.map((pid) => [pid, entry(pid, 0)])),
  });
  await reaper.waitGone(NO_GROUP, new Set([NO_GROUP]), null, () => assert.fail('stragglers'));
  assert.equal(scans, 2);
});

test('the run marks of a stop all are read once per process, and the confirms are spaced', async () => {
  // 50 instances still running, started at 100; the others' trees look empty in two waves.
  const running = new Map(Array.from({ length: 50 }, (_, i) => [1000 + i, entry(1000 + i, 100)]));
  const asked: number[] = [];
  const confirmsAt: number[] = [];
  const reaper = new TreeReaper({
    ...source(() => new Map(running) as ProcTable, 20),
    runsSince: async (_since, table) => {
      confirmsAt.push(Date.now());
      asked.push(...table.keys());
      return new Map([...table.keys()].map((pid) => [`run-${pid}`, [pid]]));
    },
  });
  const wave = (from: number) =>
    Array.from({ length: 10 }, (_, i) =>
      reaper.waitGone(NO_GROUP + from + i, new Set(), { id: `gone-${from + i}`, since: 50 }, () =>
        assert.fail('stragglers'),
      ),
    );
  const first = wave(0);
  await new Promise((resolve) => setImmediate(resolve));
  const second = wave(10);
  await Promise.all([...first, ...second]);
  assert.equal(confirmsAt.length, 2);
  assert.ok(confirmsAt[1]! - confirmsAt[0]! >= CONFIRM_INTERVAL_MS - 1, 'the second confirm waits');
  assert.deepEqual(asked.sort(), [...running.keys()].sort(), 'each running process asked about once');
});

test('a confirm whose read took long spaces the next one by four times that', async () => {
  let offset = 0;
  const now = () => Date.now() + offset;
  const confirmsAt: number[] = [];
  const reaper = new TreeReaper(
    {
      ...source(() => new Map() as ProcTable, 20),
      runsSince: async () => {
        confirmsAt.push(now());
        if (confirmsAt.length === 1) offset += 100; // the first read of many processes took 100 ms
        return new Map();
      },
    },
    { now },
  );
  const stop = (i: number) =>
    reaper.waitGone(NO_GROUP + i, new Set(), { id: `run-${i}`, since: 50 }, () => {});
  const first = stop(0);
  await new Promise((resolve) => setImmediate(resolve));
  await Promise.all([first, stop(1)]);
  assert.equal(confirmsAt.length, 2);
  assert.ok(confirmsAt[1]! - confirmsAt[0]! >= 400 - 1, `${confirmsAt[1]! - confirmsAt[0]!} ms apart`);
});

test('a process found by an earlier confirm and still running is still a straggler of its run', async () => {
  const straggler = entry(2000, 100);
  const table: ProcTable = new Map([[straggler.pid, straggler]]);
  let found = 0;
  const reaper = new TreeReaper({
    ...source(() => new Map(table), 5),
    runsSince: async (_since, table) => {
      found += table.size;
      return new Map([...table.keys()].map((pid) => [`run-${pid}`, [pid]]));
    },
    readEntries: () => new Map(),
  });
  const stragglers: number[][] = [];
  // A run of another instance is confirmed first: the straggler's mark is read then.
  await reaper.waitGone(NO_GROUP, new Set(), { id: 'other', since: 50 }, () => assert.fail());
  await reaper.waitGone(NO_GROUP + 1, new Set(), { id: 'run-2000', since: 50 }, (pids) => {
    stragglers.push(pids);
    table.delete(straggler.pid); // it gets the signal, and goes
  });
  assert.deepEqual(stragglers, [[2000]]);
  assert.equal(found, 1, 'its environment was read once');
});

test('a stop whose table cannot be read signals the group alone, and keeps what it tracked', () => {
  const reaper = new TreeReaper(
    source(() => {
      throw new Error('ps exited with status 1: fork failed');
    }, 20),
  );
  const tracked = new Set([NO_GROUP, NO_GROUP + 1]);
  assert.deepEqual(reaper.outsideGroup(NO_GROUP, tracked), []);
  assert.deepEqual([...tracked], [NO_GROUP, NO_GROUP + 1]);
});
