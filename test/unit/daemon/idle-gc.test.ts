import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import v8 from 'node:v8';
import {
  IdleCollector,
  MAX_COLLECTED_BYTES,
  sparing,
  WORTH_COLLECTING_SHARE,
  worthCompacting,
} from '../../../src/daemon/idle-gc.js';

const MB = 2 ** 20;
/** What a collection keeps of the fake heap, and the growth past which another is worth it. */
const LIVE = 16 * MB;
const WORTH = LIVE * WORTH_COLLECTING_SHARE;

/** A collector on mocked timers whose collection frees all but `live` bytes of a fake old space,
 * whose pages (`size`) stay as they are unless a test changes them. */
function fakeHeap(live = LIVE) {
  const heap = { used: live, size: live, collections: 0 };
  const collector = new IdleCollector({
    collect: () => {
      heap.collections += 1;
      heap.used = live;
    },
    delayMs: 1000,
    oldSpace: () => ({ size: heap.size, used: heap.used }),
  });
  return { heap, collector };
}

function withTimers(run: () => void): void {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    run();
  } finally {
    mock.timers.reset();
  }
}

/** withTimers, with V8's flag changes recorded instead of made. */
function withFlagsAndTimers(run: (flags: ReturnType<typeof recordFlags>) => void): void {
  const flags = recordFlags();
  try {
    withTimers(() => run(flags));
  } finally {
    flags.mock.restore();
  }
}

const recordFlags = () => mock.method(v8, 'setFlagsFromString', () => {});

test('one collection a second after the last request of a burst, and again after the next burst', () =>
  withTimers(() => {
    const { heap, collector } = fakeHeap();
    for (let i = 0; i < 3; i++) {
      collector.begin();
      heap.used += WORTH;
      collector.end();
      mock.timers.tick(600);
    }
    assert.equal(heap.collections, 0, 'collected during the burst');
    mock.timers.tick(400);
    assert.equal(heap.collections, 1);
    mock.timers.tick(5000);
    assert.equal(heap.collections, 1);
    collector.begin();
    heap.used += 2 * WORTH;
    collector.end();
    mock.timers.tick(1000);
    assert.equal(heap.collections, 2);
  }));

test('never while a request is in flight, however long it takes (a stop of 1000 apps)', () =>
  withTimers(() => {
    const { heap, collector } = fakeHeap();
    collector.begin();
    heap.used += 5 * WORTH;
    collector.begin();
    collector.end();
    collector.activity();
    mock.timers.tick(10_000);
    assert.equal(heap.collections, 0);
    collector.end();
    mock.timers.tick(1000);
    assert.equal(heap.collections, 1);
  }));

test('a request that comes while the delay runs puts the collection after it', () =>
  withTimers(() => {
    const { heap, collector } = fakeHeap();
    heap.used += 2 * WORTH;
    collector.activity();
    mock.timers.tick(900);
    collector.begin();
    mock.timers.tick(5000);
    assert.equal(heap.collections, 0);
    collector.end();
    mock.timers.tick(1000);
    assert.equal(heap.collections, 1);
  }));

test('no collection for the little a command leaves, until such leftovers add up', () =>
  withTimers(() => {
    const { heap, collector } = fakeHeap();
    const command = () => {
      collector.begin();
      heap.used += WORTH / 4;
      collector.end();
      mock.timers.tick(1000);
    };
    for (let i = 0; i < 4; i++) command();
    assert.equal(heap.collections, 0, 'four commands add up to the threshold, not past it');
    command();
    assert.equal(heap.collections, 1);
  }));

test('growth counts from what V8 left when it collected on its own since', () =>
  withTimers(() => {
    const { heap, collector } = fakeHeap();
    // V8's own collection after a delete, which gave its pages back too.
    heap.used -= 4 * WORTH;
    heap.size -= 4 * WORTH;
    collector.activity();
    mock.timers.tick(1000);
    assert.equal(heap.collections, 0);
    heap.used += 1.5 * WORTH;
    collector.activity();
    mock.timers.tick(1000);
    assert.equal(heap.collections, 1);
  }));

test('compaction is worth it past 2 MB and a tenth of the old generation free, not for the little a command leaves', () => {
  assert.equal(worthCompacting({ size: 19.5 * MB, used: 12.4 * MB }), true);
  assert.equal(worthCompacting({ size: 15.2 * MB, used: 14.6 * MB }), false);
  assert.equal(worthCompacting({ size: 5 * MB, used: 3.5 * MB }), false, 'a small heap: under 2 MB free');
  assert.equal(worthCompacting({ size: 100 * MB, used: 95 * MB }), false, 'a big heap: under a tenth free');
});

test('a fragmented old generation gets one sparing collection 100 ms later, in a later turn', () => {
  withFlagsAndTimers((flags) => {
    const { heap, collector } = fakeHeap();
    heap.size = 24 * MB;
    heap.used = 30 * MB;
    collector.activity();
    mock.timers.tick(1000);
    assert.equal(heap.collections, 1);
    assert.equal(flags.mock.callCount(), 0, 'the first collection is a regular one');
    mock.timers.tick(99);
    assert.equal(heap.collections, 1);
    mock.timers.tick(1);
    assert.equal(heap.collections, 2);
    assert.deepEqual(
      flags.mock.calls.map((c) => c.arguments[0]),
      ['--optimize-for-size', '--no-optimize-for-size'],
    );
    mock.timers.tick(10_000);
    assert.equal(heap.collections, 2, 'one follow-up, even if the pages stay as they were');
  });
});

test('pages emptied by V8 (a delete) get one sparing collection, not one per command after it', () => {
  withFlagsAndTimers((flags) => {
    const { heap, collector } = fakeHeap();
    heap.size = 40 * MB; // V8's own collections emptied pages of 1000 apps' objects
    collector.activity();
    mock.timers.tick(1000);
    assert.equal(heap.collections, 1);
    assert.equal(flags.mock.callCount(), 2, 'a sparing one');
    // It moved objects, and V8 kept the pages: no second try until more are emptied.
    for (let i = 0; i < 3; i++) {
      collector.activity();
      mock.timers.tick(1000);
    }
    assert.equal(heap.collections, 1);
    heap.size = 44 * MB;
    collector.activity();
    mock.timers.tick(1000);
    assert.equal(heap.collections, 2);
  });
});

test('a request between the two puts the follow-up a second after it', () => {
  withFlagsAndTimers((flags) => {
    const { heap, collector } = fakeHeap();
    heap.size = 24 * MB;
    heap.used = 30 * MB;
    collector.activity();
    mock.timers.tick(1050);
    collector.begin();
    mock.timers.tick(500);
    assert.equal(heap.collections, 1);
    collector.end();
    mock.timers.tick(1000);
    assert.equal(heap.collections, 2);
    assert.equal(flags.mock.callCount(), 2);
  });
});

test('the sparing collection turns the flag on for its own collection only, even when it throws', () => {
  const calls: string[] = [];
  const flags = mock.method(v8, 'setFlagsFromString', (flag: string) => calls.push(flag));
  try {
    sparing(() => calls.push('gc'))();
    assert.throws(
      sparing(() => {
        throw new Error('gc failed');
      }),
      /gc failed/,
    );
    const off = '--no-optimize-for-size';
    assert.deepEqual(calls, ['--optimize-for-size', 'gc', off, '--optimize-for-size', off]);
  } finally {
    flags.mock.restore();
  }
});

test('without --expose-gc there is nothing to call, and requests are harmless', () => {
  const collector = new IdleCollector({ collect: undefined });
  collector.begin();
  collector.end();
  collector.activity();
});

test('no forced collection past 24 MB kept (10,000 instances): its pause would hold the loop for hundreds of ms', () =>
  withTimers(() => {
    const { heap, collector } = fakeHeap(MAX_COLLECTED_BYTES + MB);
    collector.begin();
    heap.used *= 2;
    collector.end();
    mock.timers.tick(1000);
    assert.equal(heap.collections, 0);
  }));
