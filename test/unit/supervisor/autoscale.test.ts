import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PoolSpec } from '../../../src/protocol/app-spec.js';
import {
  type AutoscaleDecision,
  decideScale,
  type InstanceSamples,
  idleThresholdPercent,
  type QueueReading,
} from '../../../src/supervisor/autoscale.js';

const pool: PoolSpec = {
  minSize: 1,
  maxSize: 4,
  idleTimeoutMs: 10_000,
  targetCpuPercent: 50,
  cooldownMs: 5_000,
};
const NOW = 1_000_000;
const withQueue: PoolSpec['queue'] = {
  check: { type: 'exec', command: 'redis-cli llen jobs' },
  perInstance: 2,
  intervalMs: 1_000,
};

/** An instance sampled once a second up to NOW, oldest first. */
function inst(index: number, cpus: number[], extra: Partial<InstanceSamples> = {}): InstanceSamples {
  const samples = cpus.map((cpuPercent, i) => ({ at: NOW - (cpus.length - 1 - i) * 1_000, cpuPercent }));
  return { index, running: true, paused: false, samples, ...extra };
}
/** Samples for 12 s at one value: long enough for the idle timeout. */
const steady = (index: number, cpu: number, extra: Partial<InstanceSamples> = {}) =>
  inst(index, Array(12).fill(cpu), extra);

interface Row {
  name: string;
  instances: InstanceSamples[];
  spec?: Partial<PoolSpec>;
  lastDecisionAt?: number | null;
  queue?: QueueReading | null;
  expect: Pick<AutoscaleDecision, 'count' | 'reason'> | null;
  remove?: number[];
}

const rows: Row[] = [
  { name: 'steady load under the target: nothing', instances: [steady(0, 40)], expect: null },
  {
    name: 'load above the target for 3 samples: grow',
    instances: [inst(0, [90, 90, 90])],
    expect: { count: 2, reason: 'cpu' },
  },
  { name: 'one spike above the target is no load', instances: [inst(0, [10, 10, 95])], expect: null },
  { name: 'above the target for 2 samples only: not yet', instances: [inst(0, [10, 90, 90])], expect: null },
  { name: 'fewer than 3 samples: no signal yet', instances: [inst(0, [90, 90])], expect: null },
  {
    name: 'grow by what the load needs: 2 × 150 % / 50 % = 6, capped at max_size 4',
    instances: [inst(0, [150, 150, 150]), inst(1, [150, 150, 150])],
    expect: { count: 4, reason: 'cpu' },
  },
  {
    name: 'grow by what the load needs: 2 × 80 % / 50 % = 4 (3.2 rounded up)',
    instances: [inst(0, [80, 80, 80]), inst(1, [80, 80, 80])],
    expect: { count: 4, reason: 'cpu' },
  },
  {
    name: 'just above the target grows by one at least',
    instances: [inst(0, [51, 51, 51]), inst(1, [51, 51, 51])],
    expect: { count: 3, reason: 'cpu' },
  },
  {
    name: 'a signal hovering at the target neither grows nor shrinks (hysteresis)',
    instances: [steady(0, 50), steady(1, 49)],
    expect: null,
  },
  {
    name: 'the pool average decides: one busy and one quiet instance average under the target',
    instances: [inst(0, [90, 90, 90]), inst(1, [5, 5, 5])],
    expect: null,
  },
  {
    name: 'at max_size with the load above the target: saturated, same count',
    instances: [inst(0, [90, 90, 90]), inst(1, [90, 90, 90])],
    spec: { maxSize: 2 },
    expect: { count: 2, reason: 'saturated' },
  },
  {
    name: 'within the cooldown: nothing, however high the load',
    instances: [inst(0, [200, 200, 200])],
    lastDecisionAt: NOW - 4_999,
    expect: null,
  },
  {
    name: 'the cooldown over: the decision comes',
    instances: [inst(0, [200, 200, 200])],
    lastDecisionAt: NOW - 5_000,
    expect: { count: 4, reason: 'cpu' },
  },
  {
    name: 'every instance idle for the idle timeout is removed at once, the highest index first',
    instances: [steady(0, 0), steady(1, 0), steady(2, 30)],
    expect: { count: 1, reason: 'idle' },
    remove: [1, 0],
  },
  {
    name: 'never below min_size: one idle instance kept',
    instances: [steady(0, 0), steady(1, 0)],
    expect: { count: 1, reason: 'idle' },
    remove: [1],
  },
  { name: 'at min_size: nothing however idle', instances: [steady(0, 0)], expect: null },
  {
    name: 'idle for less than the idle timeout: kept',
    instances: [steady(0, 30), inst(1, [0, 0, 0, 0, 0])],
    expect: null,
  },
  {
    name: 'one sample above the idle threshold within the timeout: not idle',
    instances: [steady(0, 30), inst(1, [0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0])],
    expect: null,
  },
  {
    name: 'busy samples older than the idle timeout do not count',
    instances: [steady(0, 30), inst(1, [90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])],
    expect: { count: 1, reason: 'idle' },
    remove: [1],
  },
  {
    name: 'a paused instance is not idle',
    instances: [steady(0, 30), steady(1, 0, { paused: true })],
    expect: null,
  },
  {
    name: 'a paused instance is not busy: the average is over the others',
    instances: [inst(0, [10, 10, 10]), inst(1, [0, 0, 0], { paused: true }), inst(2, [20, 20, 20])],
    expect: null,
  },
  {
    name: 'a paused instance counts toward the size: grow from 2, the paused one kept',
    instances: [inst(0, [100, 100, 100]), inst(1, [0, 0, 0], { paused: true })],
    expect: { count: 3, reason: 'cpu' },
  },
  {
    name: 'an instance not running is no signal, and counts toward the size',
    instances: [inst(0, [100, 100, 100]), inst(1, [], { running: false })],
    expect: { count: 3, reason: 'cpu' },
  },
  {
    name: 'below min_size (raised at run time): back to min_size at once, cooldown or not',
    instances: [steady(0, 0)],
    spec: { minSize: 3 },
    lastDecisionAt: NOW - 1,
    expect: { count: 3, reason: 'bounds' },
  },
  {
    name: 'above max_size (lowered at run time): back to max_size at once',
    instances: [steady(0, 60), steady(1, 60), steady(2, 60)],
    spec: { maxSize: 2 },
    lastDecisionAt: NOW - 1,
    expect: { count: 2, reason: 'bounds' },
  },
  { name: 'no instance sampled yet: nothing', instances: [inst(0, [])], expect: null },
  {
    name: 'queue 7 at 2 per instance wants 4: grow without a cpu window',
    instances: [inst(0, [])],
    spec: { queue: withQueue },
    queue: { at: NOW, value: 7 },
    expect: { count: 4, reason: 'queue' },
  },
  {
    name: 'a queue wanting more than max_size grows to max_size',
    instances: [inst(0, [])],
    spec: { queue: withQueue },
    queue: { at: NOW, value: 100 },
    expect: { count: 4, reason: 'queue' },
  },
  {
    name: 'queue and cpu: the larger want wins (cpu 2 × 80 % / 50 % = 4 over queue 3)',
    instances: [inst(0, [80, 80, 80]), inst(1, [80, 80, 80])],
    spec: { queue: withQueue },
    queue: { at: NOW, value: 5 },
    expect: { count: 4, reason: 'cpu' },
  },
  {
    name: 'queue and cpu: the larger want wins (queue 4 over cpu 2)',
    instances: [inst(0, [60, 60, 60])],
    spec: { queue: withQueue },
    queue: { at: NOW, value: 8 },
    expect: { count: 4, reason: 'queue' },
  },
  {
    name: 'a queue wanting no more than run changes nothing',
    instances: [steady(0, 30), steady(1, 30)],
    spec: { queue: withQueue },
    queue: { at: NOW, value: 4 },
    expect: null,
  },
  {
    name: 'queue growth waits for the cooldown',
    instances: [inst(0, [])],
    spec: { queue: withQueue },
    queue: { at: NOW, value: 7 },
    lastDecisionAt: NOW - 4_999,
    expect: null,
  },
  {
    name: 'at max_size with a queue wanting more: saturated',
    instances: [inst(0, []), inst(1, [])],
    spec: { queue: withQueue, maxSize: 2 },
    queue: { at: NOW, value: 9 },
    expect: { count: 2, reason: 'saturated' },
  },
  {
    name: 'idle instances are kept while the queue wants them: 3 idle, queue wants 2, one removed',
    instances: [steady(0, 0), steady(1, 0), steady(2, 0)],
    spec: { queue: withQueue },
    queue: { at: NOW, value: 3 },
    expect: { count: 2, reason: 'idle' },
    remove: [2],
  },
  {
    name: 'idle instances are kept while the queue wants all of them',
    instances: [steady(0, 0), steady(1, 0)],
    spec: { queue: withQueue },
    queue: { at: NOW, value: 4 },
    expect: null,
  },
  {
    name: 'an empty queue lets idle instances go',
    instances: [steady(0, 0), steady(1, 0)],
    spec: { queue: withQueue },
    queue: { at: NOW, value: 0 },
    expect: { count: 1, reason: 'idle' },
    remove: [1],
  },
  {
    name: 'a queue probe without a number: no shrinking (the queue is unknown)',
    instances: [steady(0, 0), steady(1, 0)],
    spec: { queue: withQueue },
    queue: { at: NOW, error: 'printed "abc", not one number' },
    expect: null,
  },
  {
    name: 'a queue probe without a number: cpu still grows',
    instances: [inst(0, [90, 90, 90])],
    spec: { queue: withQueue },
    queue: { at: NOW, error: 'exited with code 1' },
    expect: { count: 2, reason: 'cpu' },
  },
];

for (const row of rows) {
  test(row.name, () => {
    const decision = decideScale({
      pool: { ...pool, ...row.spec },
      instances: row.instances,
      lastDecisionAt: row.lastDecisionAt ?? null,
      queue: row.queue ?? null,
      now: NOW,
    });
    assert.deepEqual(decision && { count: decision.count, reason: decision.reason }, row.expect);
    if (row.remove) assert.deepEqual(decision?.remove, row.remove);
  });
}

test('a grow decision carries the average, the target and the window it was measured over', () => {
  const decision = decideScale({
    pool,
    instances: [inst(0, [80, 90, 100])],
    lastDecisionAt: null,
    now: NOW,
  });
  assert.deepEqual(decision?.figures, {
    from: 1,
    to: 2,
    avgCpuPercent: 90,
    targetCpuPercent: 50,
    windowMs: 2_000,
    idle: [],
    queueLength: null,
    perInstance: null,
  });
});

test('the idle threshold is 5 % of the target, and never under 1 % of a core', () => {
  assert.equal(idleThresholdPercent({ ...pool, targetCpuPercent: 200 }), 10);
  assert.equal(idleThresholdPercent({ ...pool, targetCpuPercent: 10 }), 1);
});

test('a queue decision carries the queue length and the jobs per instance', () => {
  const decision = decideScale({
    pool: { ...pool, queue: withQueue },
    instances: [inst(0, [])],
    queue: { at: NOW, value: 5 },
    lastDecisionAt: null,
    now: NOW,
  });
  assert.deepEqual(
    decision && {
      to: decision.figures.to,
      queueLength: decision.figures.queueLength,
      perInstance: decision.figures.perInstance,
    },
    { to: 3, queueLength: 5, perInstance: 2 },
  );
});
