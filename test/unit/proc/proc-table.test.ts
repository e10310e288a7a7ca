// The table read in slices is the table read at once, with turns given back between the slices.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readProcTable, readProcTableInSlices } from '../../../src/proc/proc-table.js';

test('the table read in slices holds what the table read at once holds, a turn between slices', async (t) => {
  if (!readProcTable().has(process.pid)) return t.skip('no /proc here');
  let turns = 0;
  const sliced = await readProcTableInSlices(async () => {
    turns += 1;
  }, 10);
  const whole = readProcTable();
  assert.equal(sliced.get(process.pid)?.startTime, whole.get(process.pid)!.startTime);
  // Processes come and go meanwhile: most are in both.
  const both = [...whole.keys()].filter((pid) => sliced.has(pid)).length;
  assert.ok(both >= whole.size - 5, `${both} of ${whole.size}`);
  assert.ok(turns >= Math.ceil(sliced.size / 10) - 1, `${turns} turns for ${sliced.size} processes`);
});
