import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AwakePipes, type Sleeper } from '../../../src/logs/awake-pipes.js';
import { waitFor } from '../../helpers/wait-for.js';

/** A pipe that records its sleeps; `canSleep: false` is one that cannot be watched. */
function pipe(pipes: AwakePipes, name: string, log: string[], canSleep = true): Sleeper {
  const sleeper: Sleeper = {
    sleep: () => {
      log.push(name);
      if (canSleep) pipes.slept(sleeper);
    },
  };
  return sleeper;
}

function setup(max: number, idleMs = 1_000_000) {
  let clock = 0;
  const pipes = new AwakePipes({ max: () => max, idleMs, now: () => clock });
  return { pipes, advance: (ms: number) => (clock += ms), slept: [] as string[] };
}

test('past the budget, the least recently read pipes go to sleep, never the one waking', () => {
  const { pipes, advance, slept } = setup(2);
  const [a, b, c] = ['a', 'b', 'c'].map((name) => pipe(pipes, name, slept));
  pipes.woke(a!);
  advance(1);
  pipes.woke(b!);
  advance(1);
  pipes.read(a!); // a is now the more recent of the two
  pipes.woke(c!);
  assert.deepEqual(slept, ['b']);
  assert.equal(pipes.size, 2);
});

test('a pipe that cannot sleep stays awake, and the budget does not loop on it', () => {
  const { pipes, slept } = setup(1);
  const stuck = pipe(pipes, 'stuck', slept, false);
  pipes.woke(stuck);
  pipes.woke(pipe(pipes, 'b', slept));
  assert.deepEqual(slept, ['stuck']);
  assert.equal(pipes.size, 2);
});

test('pipes quiet for the idle time go to sleep; a recent one stays awake', async () => {
  const { pipes, advance, slept } = setup(100, 40);
  const [quiet, stuck, busy] = [
    pipe(pipes, 'quiet', slept),
    pipe(pipes, 'stuck', slept, false),
    pipe(pipes, 'busy', slept),
  ];
  pipes.woke(stuck!);
  pipes.woke(quiet!);
  advance(100);
  pipes.woke(busy!);
  await waitFor(() => slept.includes('quiet'), { message: 'the quiet pipe asleep' });
  // The one that could not sleep was asked and passed over; the busy one was not asked.
  assert.deepEqual(slept.slice(0, 2), ['stuck', 'quiet']);
  assert.ok(!slept.includes('busy'));
  assert.equal(pipes.size, 2);
});

test('a sweep puts many quiet pipes to sleep in slices, all of them in the end', async () => {
  const { pipes, advance, slept } = setup(10_000, 40);
  for (let i = 0; i < 500; i++) pipes.woke(pipe(pipes, String(i), slept));
  advance(1000);
  await waitFor(() => pipes.size === 0, { message: 'every pipe asleep' });
  assert.equal(slept.length, 500);
  assert.deepEqual(slept.slice(0, 3), ['0', '1', '2']);
});
