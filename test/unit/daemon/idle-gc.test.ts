import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { idleCollector } from '../../../src/daemon/idle-gc.js';

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
