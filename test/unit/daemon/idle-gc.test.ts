import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import v8 from 'node:v8';
import { compacting, idleCollector } from '../../../src/daemon/idle-gc.js';

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
