import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AwakePipes, type Sleeper } from '../../../src/logs/awake-pipes.js';
import { waitFor } from '../../helpers/wait-for.js';

/** A pipe that records its sleeps and checks; `canSleep: false` is one that cannot be watched. */
function pipe(pipes: AwakePipes, name: string, log: string[], canSleep = true): Sleeper {
  const sleeper: Sleeper = {
    sleep: () => {
      log.push(name);
      if (canSleep) pipes.slept(sleeper);
      return canSleep;
    },
    check: () => log.push(`check ${name}`),
  };
  return sleeper;
}

function setup(max: number, idleMs = 1_000_000, minPassMs = 1_000_000) {
  let clock = 0;
  const pipes = new AwakePipes({ max: () => max, idleMs, now: () => clock, minPassMs });
  return { pipes, advance: (ms: number) => (clock += ms), log: [] as string[] };
}

test('past the budget, the least recently read pipes go to sleep, never the one waking', () => {
  const { pipes, advance, log } = setup(2);
  const [a, b, c] = ['a', 'b', 'c'].map((name) => pipe(pipes, name, log));
  pipes.woke(a!);
  advance(1);
  pipes.woke(b!);
  advance(1);
  pipes.read(a!); // a is now the more recent of the two
  pipes.woke(c!);
  assert.deepEqual(log, ['b']);
  assert.equal(pipes.size, 2);
});

test('a pipe that cannot sleep is left open outside the budget, and asked no more', () => {
  const { pipes, log } = setup(1);
  const stuck = pipe(pipes, 'stuck', log, false);
  pipes.woke(stuck);
  pipes.woke(pipe(pipes, 'b', log));
  pipes.woke(pipe(pipes, 'c', log));
  assert.deepEqual(log, ['stuck', 'b']);
  assert.equal(pipes.size, 1);
});

test('pipes quiet for the idle time go to sleep; a recent one stays awake', async () => {
  const { pipes, advance, log } = setup(100, 40);
  const [quiet, stuck, busy] = [
    pipe(pipes, 'quiet', log),
    pipe(pipes, 'stuck', log, false),
    pipe(pipes, 'busy', log),
  ];
  pipes.woke(stuck!);
  pipes.woke(quiet!);
  advance(100);
  pipes.woke(busy!);
  await waitFor(() => log.includes('quiet'), { message: 'the quiet pipe asleep' });
  assert.deepEqual(log.slice(0, 2), ['stuck', 'quiet']);
  assert.ok(!log.includes('busy'));
  assert.equal(pipes.size, 1);
});

test('a sweep puts many quiet pipes to sleep in slices, all of them in the end', async () => {
  const { pipes, advance, log } = setup(10_000, 40);
  for (let i = 0; i < 500; i++) pipes.woke(pipe(pipes, String(i), log));
  advance(1000);
  await waitFor(() => pipes.size === 0, { message: 'every pipe asleep' });
  assert.equal(log.length, 500);
  assert.deepEqual(log.slice(0, 3), ['0', '1', '2']);
});

test('every sleeping pipe is checked in each pass (a lost watch event strands nothing); a closed one is not', async () => {
  const { pipes, log } = setup(10, 1_000_000, 20);
  const sleepers = Array.from({ length: 300 }, (_, i) => pipe(pipes, String(i), log));
  for (const sleeper of sleepers) pipes.slept(sleeper);
  pipes.forget(sleepers[7]!);
  await waitFor(() => log.filter((entry) => entry.startsWith('check')).length >= 299, {
    message: 'a pass over every sleeping pipe',
  });
  assert.ok(!log.includes('check 7'));
  const checks = log.filter((entry) => entry.startsWith('check'));
  await waitFor(() => log.filter((entry) => entry.startsWith('check')).length >= 2 * 299, {
    message: 'a second pass',
  });
  assert.deepEqual(checks.slice(0, 2), ['check 0', 'check 1']);
});
