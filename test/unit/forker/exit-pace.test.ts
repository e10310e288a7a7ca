// Ends told a few per loop turn, in the order they came.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ExitPace } from '../../../src/forker/exit-pace.js';

test('ends are told in order, at most the given number per turn', async () => {
  const pace = new ExitPace(3);
  const told: number[] = [];
  for (let i = 0; i < 7; i++) pace.add(() => told.push(i));
  assert.equal(told.length, 0, 'none in the turn they came');
  await nextTurn();
  assert.deepEqual(told, [0, 1, 2]);
  pace.add(() => told.push(7));
  await nextTurn();
  assert.deepEqual(told, [0, 1, 2, 3, 4, 5]);
  await nextTurn();
  await nextTurn();
  assert.deepEqual(told, [0, 1, 2, 3, 4, 5, 6, 7]);
});
