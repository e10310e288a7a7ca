import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import v8 from 'node:v8';
import { compacting, idleCollection, idleCollector, worthCompacting } from '../../../src/daemon/idle-gc.js';

test('one collection a second after the last activity of a burst, and again after the next burst', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    let collections = 0;
    const poke = idleCollector(() => collections++, 1000);
    poke();
    mock.timers.tick(600);
    poke();
    mock.timers.tick(600);
    poke();
    assert.equal(collections, 0, 'collected during the burst');
    mock.timers.tick(1000);
    assert.equal(collections, 1);
    mock.timers.tick(5000);
    assert.equal(collections, 1);
    poke();
    mock.timers.tick(1000);
    assert.equal(collections, 2);
  } finally {
    mock.timers.reset();
  }
});

test('without --expose-gc there is nothing to call, and activity is harmless', () => {
  const poke = idleCollector(undefined);
  poke();
  poke();
});

test('the compacting collection turns compaction on for its own collection only, even when it throws', () => {
  const calls: string[] = [];
  const setFlags = mock.method(v8, 'setFlagsFromString', (flags: string) => calls.push(flags));
  try {
    compacting(() => calls.push('gc'))();
    assert.throws(
      compacting(() => {
        throw new Error('gc failed');
      }),
      /gc failed/,
    );
    const off = '--no-compact-on-every-full-gc';
    assert.deepEqual(calls, ['--compact-on-every-full-gc', 'gc', off, '--compact-on-every-full-gc', off]);
  } finally {
    setFlags.mock.restore();
  }
});

test('compaction is worth it past 2 MB and a tenth of the old generation free, not for the little a command leaves', () => {
  const MB = 2 ** 20;
  assert.equal(worthCompacting({ size: 25 * MB, used: 18 * MB }), true);
  assert.equal(worthCompacting({ size: 15.2 * MB, used: 14.6 * MB }), false);
  assert.equal(worthCompacting({ size: 5 * MB, used: 3.5 * MB }), false, 'a small heap: under 2 MB free');
  assert.equal(worthCompacting({ size: 100 * MB, used: 95 * MB }), false, 'a big heap: under a tenth free');
});

test('the idle collection compacts in a later turn, only when the regular one left the heap fragmented', async () => {
  const laterTurn = () => new Promise((resolve) => setImmediate(resolve));
  const calls: string[] = [];
  const setFlags = mock.method(v8, 'setFlagsFromString', (flags: string) => calls.push(flags));
  try {
    const MB = 2 ** 20;
    let space = { size: 25 * MB, used: 18 * MB };
    const collect = idleCollection(
      () => calls.push('gc'),
      () => space,
    );
    collect();
    assert.deepEqual(calls, ['gc'], 'the compaction waits for a later turn');
    await laterTurn();
    assert.deepEqual(calls, ['gc', '--compact-on-every-full-gc', 'gc', '--no-compact-on-every-full-gc']);
    calls.length = 0;
    space = { size: 19 * MB, used: 18 * MB };
    collect();
    await laterTurn();
    assert.deepEqual(calls, ['gc']);
  } finally {
    setFlags.mock.restore();
  }
});
