// The reaper confirms the trees that look empty together: one /proc scan for a whole `stop all`,
// and a failing scan (out of descriptors) is tried again instead of leaving a stop hanging.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProcTable } from '../../../src/proc/proc-table.js';
import { type ReaperSource, TreeReaper } from '../../../src/proc/tree-reaper.js';

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
