// A long change yields to the event loop after a count of steps, or sooner once a turn took its budget.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pacer } from '../../../src/supervisor/pacer.js';
import type { Clock } from '../../../src/supervisor/world.js';

function clock(): Clock & { ms: number; turns: number } {
  const c = {
    ms: 0,
    turns: 0,
    now: () => c.ms,
    nextTurn: async () => {
      c.turns += 1;
    },
    setTimeout: () => null,
    clearTimeout: () => {},
  };
  return c;
}

test('cheap steps yield once per count', async () => {
  const c = clock();
  const pacer = new Pacer(c, { steps: 4, budgetMs: 10 });
  for (let i = 0; i < 12; i++) await pacer.step();
  assert.equal(c.turns, 3);
});

test('slow steps yield as soon as the turn took its budget, counted after its first step', async () => {
  const c = clock();
  const pacer = new Pacer(c, { steps: 32, budgetMs: 10 });
  const stepsPerTurn: number[] = [];
  let steps = 0;
  for (let i = 0; i < 8; i++) {
    c.ms += 4; // a fork on a loaded machine
    const turns = c.turns;
    await pacer.step();
    steps += 1;
    if (c.turns > turns) {
      stepsPerTurn.push(steps);
      steps = 0;
    }
  }
  // The first step of each turn, then 4, 8, 12 ms (>= 10): 4 steps a turn.
  assert.deepEqual(stepsPerTurn, [4, 4]);
});

test('a turn gets what the rest of the last loop iteration left of the target, within the budget', async () => {
  const c = clock();
  let restMs = 0;
  c.nextTurn = async () => {
    c.turns += 1;
    c.ms += restMs; // what the daemon did between two turns of the change
  };
  const pacer = new Pacer(c, { steps: 100, budgetMs: 10 });
  const stepsPerTurn: number[] = [];
  const runTurn = async () => {
    const turns = c.turns;
    let steps = 0;
    while (c.turns === turns) {
      c.ms += 1; // a stop
      await pacer.step();
      steps += 1;
    }
    stepsPerTurn.push(steps);
  };
  restMs = 15; // the exits of the stops of the turn before
  await runTurn();
  await runTurn();
  restMs = 19;
  await runTurn();
  restMs = 2;
  await runTurn();
  await runTurn();
  // The first step of each turn, then: 10 ms; 20 - 15 = 5 twice; 20 - 19 = 1, so the least (2);
  // 20 - 2 = 18, so the budget (10).
  assert.deepEqual(stepsPerTurn, [11, 6, 6, 3, 11]);
});
