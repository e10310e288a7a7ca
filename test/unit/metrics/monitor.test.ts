import assert from 'node:assert/strict';
import { afterEach, mock, test } from 'node:test';
import {
  Monitor,
  type MonitoredPool,
  type MonitorSample,
  TICK_BUDGET_MS,
} from '../../../src/metrics/monitor.js';
import type { SampleTarget, TreeUsage, UsageSampler } from '../../../src/metrics/sample-usage.js';

interface FakeProc {
  id: number;
  pid: number | null;
  spec: { monitoring: { metricsCollection: boolean } };
  recorded: TreeUsage[];
  trackedPids: () => Set<number>;
  recordUsage: (sample: TreeUsage) => void;
}

function proc(id: number, pid: number | null, metricsCollection = true): FakeProc {
  const p: FakeProc = {
    id,
    pid,
    spec: { monitoring: { metricsCollection } },
    recorded: [],
    trackedPids: () => new Set(),
    recordUsage: (sample) => p.recorded.push(sample),
  };
  return p;
}

function setup(procs: FakeProc[]) {
  const sampled: SampleTarget[][] = [];
  const sampler = {
    sample: (targets: SampleTarget[]) => {
      sampled.push(targets);
      return new Map(
        targets.map((t) => [t.id, { cpuPercent: t.id * 10, memoryBytes: t.id * 1024, pids: [t.pgid] }]),
      );
    },
  } as unknown as UsageSampler;
  const pool: MonitoredPool = { all: () => procs };
  const monitor = new Monitor(pool, sampler, {
    intervalMs: 1000,
    historyWindowMs: 3000,
    startedAt: 0,
    countOpenFds: () => null,
  });
  const samples: MonitorSample[] = [];
  monitor.on('sample', (s) => samples.push(s));
  return { monitor, sampled, samples };
}

test('a tick samples running instances only, skips those with metrics_collection off, and records each result', () => {
  const running = proc(1, 101);
  const stopped = proc(2, null);
  const unmetered = proc(3, 103, false);
  const { monitor, sampled, samples } = setup([running, stopped, unmetered]);
  monitor.tick(1000);
  assert.deepEqual(
    sampled[0]!.map((t) => t.id),
    [1],
  );
  assert.deepEqual(running.recorded, [{ cpuPercent: 10, memoryBytes: 1024, pids: [101] }]);
  assert.deepEqual(samples[0]!.usage, [{ id: 1, cpuPercent: 10, memoryBytes: 1024 }]);
  assert.equal(samples[0]!.daemon.pid, process.pid);
  assert.ok(samples[0]!.daemon.memoryBytes > 0);
});

test('history is kept per instance over the window, and forgotten when the instance is removed', () => {
  const procs = [proc(1, 101), proc(2, 102)];
  const { monitor } = setup(procs);
  for (let t = 1; t <= 5; t++) monitor.tick(t * 1000);
  assert.equal(monitor.stats(1)?.samples, 3, 'a 3 s window at 1 s keeps 3 samples');
  assert.deepEqual(monitor.trails(10)[2], { cpuPercent: [20, 20, 20], memoryBytes: [2048, 2048, 2048] });
  procs.pop();
  monitor.tick(6000);
  assert.equal(monitor.stats(2), null);
  assert.deepEqual(Object.keys(monitor.trails(10)), ['1']);
});

test('a tick with nothing running still reports the daemon, so that top shows its figures', () => {
  const { monitor, sampled, samples } = setup([]);
  monitor.tick(1000);
  assert.equal(sampled.length, 0);
  assert.equal(samples.length, 1);
  assert.deepEqual(samples[0]!.usage, []);
  assert.notEqual(samples[0]!.daemon.cpuPercent, null);
});

afterEach(() => mock.timers.reset());

test('a new interval restarts the timer at the new pace, 0 stops sampling, and a stopped monitor stays stopped', () => {
  mock.timers.enable({ apis: ['setInterval'] });
  const { monitor, samples } = setup([proc(1, 101)]);
  monitor.start();
  mock.timers.tick(1000);
  assert.equal(samples.length, 1);
  monitor.setIntervalMs(200);
  assert.equal(monitor.intervalMs, 200);
  mock.timers.tick(1000);
  assert.equal(samples.length, 6, 'five ticks of 200 ms');
  monitor.setIntervalMs(0);
  mock.timers.tick(5000);
  assert.equal(samples.length, 6, 'no sampling at 0');
  monitor.setIntervalMs(500);
  mock.timers.tick(1000);
  assert.equal(samples.length, 8);
  monitor.stop();
  monitor.setIntervalMs(100);
  mock.timers.tick(1000);
  assert.equal(samples.length, 8, 'stop() holds until start()');
});

test('a new interval resizes each history to the same window, keeping its recent samples', () => {
  const { monitor } = setup([proc(1, 101)]);
  for (let t = 1; t <= 3; t++) monitor.tick(t * 1000);
  assert.equal(monitor.stats(1)?.samples, 3);
  monitor.setIntervalMs(500);
  assert.equal(monitor.stats(1)?.samples, 3, 'the samples so far are kept');
  for (let t = 1; t <= 6; t++) monitor.tick(3000 + t * 500);
  assert.equal(monitor.stats(1)?.samples, 6, 'a 3 s window at 500 ms keeps 6 samples');
});

test('with many instances the sampling stretches to 8 ms per instance: 1000 are sampled in slices, each every eighth 1 s tick', () => {
  const procs = Array.from({ length: 1000 }, (_, i) => proc(i + 1, 1000 + i));
  const { monitor, sampled } = setup(procs);
  for (let at = 1000; at <= 16_000; at += 1000) monitor.tick(at);
  assert.equal(sampled.length, 16, 'a slice at every tick');
  assert.ok(
    sampled.every((slice) => slice.length === 125),
    'slices of an eighth',
  );
  for (const p of procs) assert.equal(p.recorded.length, 2, `instance ${p.id} sampled twice in 16 ticks`);
  const few = setup([proc(1, 101)]);
  for (let at = 1000; at <= 6000; at += 1000) few.monitor.tick(at);
  assert.equal(few.sampled.length, 6, 'a few instances keep the configured interval');
});

test('a tick whose cgroup reads are slow stops at its time budget; the next tick goes on from there', () => {
  const slow = (id: number) => ({
    ...proc(id, 1000 + id),
    cgroupUsage: () => {
      const until = performance.now() + 4;
      while (performance.now() < until) {
        // a read of counter files that takes 4 ms
      }
      return { cpuUsec: 0, memoryBytes: id };
    },
  });
  const procs = Array.from({ length: 10 }, (_, i) => slow(i + 1));
  const { monitor, samples } = setup(procs);
  monitor.tick(1000);
  const first = samples[0]!.usage.map((u) => u.id);
  assert.ok(
    first.length >= 1 && first.length <= Math.ceil(TICK_BUDGET_MS / 4) + 1,
    `${first.length} sampled`,
  );
  for (let at = 2000; samples.flatMap((s) => s.usage).length < 10; at += 1000) monitor.tick(at);
  assert.deepEqual(
    samples.flatMap((s) => s.usage.map((u) => u.id)),
    procs.map((p) => p.id),
    'each in turn, none twice before all once',
  );
});
