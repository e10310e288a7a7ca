import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageHistory } from '../../../src/metrics/usage-history.js';

const MIB = 1024 * 1024;

test('an empty history has no stats and an empty trail', () => {
  const history = new UsageHistory(5);
  assert.equal(history.stats(), null);
  assert.deepEqual(history.trail(10), { cpuPercent: [], memoryBytes: [] });
});

test('stats are min, average and max of cpu and memory over the samples, with the time they span', () => {
  const history = new UsageHistory(10);
  history.push(10, 100 * MIB, 1000);
  history.push(30, 300 * MIB, 2000);
  history.push(20, 200 * MIB, 3000);
  assert.deepEqual(history.stats(), {
    samples: 3,
    windowMs: 2000,
    cpuPercent: { min: 10, avg: 20, max: 30 },
    memoryBytes: { min: 100 * MIB, avg: 200 * MIB, max: 300 * MIB },
  });
});

test('a full ring forgets the oldest samples: stats and trails cover only the last `capacity`', () => {
  const history = new UsageHistory(3);
  for (let i = 1; i <= 5; i++) history.push(i, i * MIB, i * 1000);
  assert.equal(history.size, 3);
  const stats = history.stats()!;
  assert.deepEqual(stats.cpuPercent, { min: 3, avg: 4, max: 5 });
  assert.equal(stats.windowMs, 2000);
  assert.deepEqual(history.trail(2), { cpuPercent: [4, 5], memoryBytes: [4 * MIB, 5 * MIB] });
  assert.deepEqual(history.trail(10).cpuPercent, [3, 4, 5]);
});

test('cpu keeps two decimals and memory is kept to the KiB', () => {
  const history = new UsageHistory(2);
  history.push(12.3456, 1536 + 100, 0);
  assert.deepEqual(history.trail(1), { cpuPercent: [12.35], memoryBytes: [2048] });
});

test('a resized ring keeps the most recent samples that fit, and goes on from there', () => {
  const history = new UsageHistory(4);
  for (let i = 1; i <= 6; i++) history.push(i, i * MIB, i * 1000);
  const smaller = history.resized(2);
  assert.deepEqual(smaller.trail(10).cpuPercent, [5, 6]);
  assert.equal(smaller.stats()?.windowMs, 1000);
  const larger = history.resized(8);
  assert.deepEqual(larger.trail(10).cpuPercent, [3, 4, 5, 6]);
  larger.push(7, 7 * MIB, 7000);
  assert.deepEqual(larger.trail(10).cpuPercent, [3, 4, 5, 6, 7]);
  smaller.push(7, 7 * MIB, 7000);
  assert.deepEqual(smaller.trail(10).cpuPercent, [6, 7]);
});

test('a ring grows from a few slots to its capacity, keeping order, then drops the oldest', () => {
  const history = new UsageHistory(100);
  for (let i = 1; i <= 50; i++) history.push(i, i * 1024, i * 1000);
  assert.deepEqual(history.trail(3), {
    cpuPercent: [48, 49, 50],
    memoryBytes: [48 * 1024, 49 * 1024, 50 * 1024],
  });
  assert.deepEqual(
    [history.stats()?.samples, history.stats()?.windowMs, history.stats()?.cpuPercent.min],
    [50, 49_000, 1],
  );
  for (let i = 51; i <= 150; i++) history.push(i, i * 1024, i * 1000);
  const stats = history.stats()!;
  assert.deepEqual([stats.samples, stats.cpuPercent.min, stats.cpuPercent.max], [100, 51, 150]);
  assert.deepEqual(history.resized(10).trail(2).cpuPercent, [149, 150]);
});

test('a ring sampled less often than its capacity assumes stops growing once it covers its window', () => {
  // Sized for a sample a second over 5 minutes, sampled every 8 s (1000 instances).
  const history = new UsageHistory(300, 300_000);
  for (let i = 0; i < 200; i++) history.push(i, i * 1024, i * 8000);
  const stats = history.stats()!;
  assert.equal(stats.samples, 64, 'doubled from 8 to 64 slots, past the window, then wrapped');
  assert.equal(stats.windowMs, 63 * 8000);
  assert.equal(stats.cpuPercent.max, 199);
  const resized = history.resized(150);
  for (let i = 200; i < 400; i++) resized.push(i, i * 1024, i * 8000);
  assert.equal(resized.stats()!.samples, 64, 'a resized ring keeps its window');
});
