// Ends told a few per loop turn, in the order they came.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ExitPace } from '../../../src/forker/exit-pace.js';

test('ends are told in order, at most the given number per turn', async () => {
  const pace = new ExitPace(3);
  const told: number[] = [];
  for (let i = 0; i < 7; i++) pace.add(100 + i, () => told.push(i));
  assert.equal(pace.reaped(103), true, 'reaped, not told yet');
  assert.equal(told.length, 0, 'none in the turn they came');
  await nextTurn();
  assert.deepEqual(told, [0, 1, 2]);
  assert.equal(pace.reaped(100), false, 'told');
  pace.add(107, () => told.push(7));
  await nextTurn();
  assert.deepEqual(told, [0, 1, 2, 3, 4, 5]);
  await nextTurn();
  await nextTurn();
  assert.deepEqual(told, [0, 1, 2, 3, 4, 5, 6, 7]);
});

test('an end that throws does not hold back the others', async () => {
  const thrown: unknown[] = [];
  const pace = new ExitPace(3, (error) => thrown.push(error));
  const told: number[] = [];
  pace.add(1, () => told.push(1));
  pace.add(2, () => {
    throw new Error('a listener failed');
  });
  for (let i = 3; i <= 5; i++) pace.add(i, () => told.push(i));
  await nextTurn();
  await nextTurn();
  assert.deepEqual(told, [1, 3, 4, 5]);
  assert.equal((thrown[0] as Error).message, 'a listener failed');
  assert.equal(pace.reaped(2), false, 'told, though it threw');
});
