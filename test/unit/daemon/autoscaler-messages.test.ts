// The one line each autoscaling decision is told in: it must say why, with the figures.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeDecision } from '../../../src/daemon/watchers/autoscale-messages.js';
import type { PoolSpec } from '../../../src/protocol/app-spec.js';
import type { AutoscaleDecision } from '../../../src/supervisor/autoscale.js';

const pool: PoolSpec = {
  minSize: 1,
  maxSize: 8,
  idleTimeoutMs: 300_000,
  targetCpuPercent: 70,
  cooldownMs: 30_000,
};
const decision = (
  reason: AutoscaleDecision['reason'],
  from: number,
  to: number,
  extra = {},
): AutoscaleDecision => ({
  count: to,
  reason,
  remove: [],
  figures: {
    from,
    to,
    avgCpuPercent: 91.4,
    targetCpuPercent: 70,
    windowMs: 30_000,
    idle: [],
    queueLength: null,
    perInstance: null,
    ...extra,
  },
});

test('a growth names the average cpu, the target and the window', () => {
  assert.equal(describeDecision('web', pool, decision('cpu', 2, 3)), 'scaled web 2→3: cpu 91% > 70% for 30s');
});

test('a shrink names the idle instances and the idle timeout', () => {
  const idle = decision('idle', 3, 2, { idle: [2], windowMs: 300_000 });
  assert.equal(describeDecision('web', pool, idle), 'scaled web 3→2: web:2 idle for 5m');
});

test('a return within bounds names them, and saturation says how to raise max_size', () => {
  assert.equal(
    describeDecision('web', pool, decision('bounds', 9, 8)),
    'scaled web 9→8: back within its bounds 1–8',
  );
  assert.match(
    describeDecision('web', pool, decision('saturated', 8, 8)),
    /^web saturated: cpu 91% > 70% at max_size 8 for 3 decisions; raise it with `pm scale web --max N`/,
  );
});

test('a growth on the queue names the queue, the count and the jobs per instance', () => {
  const queued = decision('queue', 2, 4, { queueLength: 37, perInstance: 10, avgCpuPercent: null });
  assert.equal(describeDecision('web', pool, queued), 'scaled web 2→4: queue 37 > 2×10');
});

test('a pool saturated by its queue says so, and how to raise max_size', () => {
  const saturated = decision('saturated', 8, 8, { queueLength: 200, perInstance: 10, avgCpuPercent: 20 });
  assert.match(
    describeDecision('web', pool, saturated),
    /^web saturated: queue 200 > 8×10 at max_size 8 for 3 decisions; raise it with/,
  );
});
