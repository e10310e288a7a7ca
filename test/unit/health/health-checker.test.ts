// The probe scheduler with a fake probe and fake timers: one probe at a time, at its interval,
// thresholds reported once, a stop aborts what is in flight.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import { DEFAULT_PROBE } from '../../../src/config/defaults.js';
import { HealthChecker, type HealthReport } from '../../../src/health/health-checker.js';
import type { ProbeResult, RunProbe } from '../../../src/health/probe.js';
import type { ProbeCheck, ProbeSpec } from '../../../src/protocol/app-spec.js';

let nowMs = 0;
beforeEach(() => {
  nowMs = 1_000_000;
  mock.timers.enable({ apis: ['setTimeout'] });
});
afterEach(() => mock.timers.reset());

/** Lets settled probes' callbacks run (they may set timers), then advances the fake clock and timers. */
async function advance(ms: number): Promise<void> {
  await settle();
  nowMs += ms;
  mock.timers.tick(ms);
  await settle();
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

interface Call {
  check: ProbeCheck;
  signal: AbortSignal;
  resolve: (result: ProbeResult) => void;
}

function fakeProbe(): { runProbe: RunProbe; calls: Call[] } {
  const calls: Call[] = [];
  const runProbe: RunProbe = (check, _timeoutMs, _context, signal) =>
    new Promise((resolve) => calls.push({ check, signal, resolve }));
  return { runProbe, calls };
}

const spec = (kind: ProbeSpec['kind'], port: number, overrides: Partial<ProbeSpec> = {}): ProbeSpec => ({
  kind,
  check: { type: 'tcp', host: '127.0.0.1', port },
  ...DEFAULT_PROBE,
  intervalMs: 1_000,
  failureThreshold: 2,
  ...overrides,
});

function createChecker(probes: ProbeSpec[]) {
  const fake = fakeProbe();
  const reports: HealthReport[] = [];
  const checker = new HealthChecker(probes, { cwd: '/', env: {} }, nowMs, (r) => reports.push(r), {
    runProbe: fake.runProbe,
    now: () => nowMs,
  });
  return { checker, calls: fake.calls, reports };
}

const port = (call: Call | undefined) => (call?.check as { port: number } | undefined)?.port;

test('probes of one instance run one at a time, each at its interval', async () => {
  const { checker, calls } = createChecker([spec('liveness', 1), spec('readiness', 2)]);
  checker.start();
  await advance(0);
  assert.deepEqual(calls.map(port), [1], 'both are due, only one runs');
  await advance(5_000);
  assert.equal(calls.length, 1, 'nothing starts while a probe is in flight');
  calls[0]!.resolve({ ok: true });
  await advance(0);
  assert.deepEqual(calls.map(port), [1, 2]);
  calls[1]!.resolve({ ok: true });
  // Probe 1 started at +0 with a 1 s interval: overdue, so it runs at once.
  await advance(0);
  assert.deepEqual(calls.map(port), [1, 2, 1]);
  calls[2]!.resolve({ ok: true });
  await advance(999);
  assert.equal(calls.length, 3, 'both are due 1 s after they started');
  await advance(1);
  assert.deepEqual(calls.map(port), [1, 2, 1, 1]);
  calls[3]!.resolve({ ok: true });
  await advance(0);
  assert.deepEqual(calls.map(port), [1, 2, 1, 1, 2]);
  checker.stop();
});

test('a liveness probe reports healthy, then unhealthy with a restart at the failure threshold, once', async () => {
  const { checker, calls, reports } = createChecker([spec('liveness', 1)]);
  checker.start();
  await advance(0);
  calls[0]!.resolve({ ok: true });
  await advance(1_000);
  calls[1]!.resolve({ ok: false, reason: 'connect ECONNREFUSED 127.0.0.1:1' });
  await advance(1_000);
  calls[2]!.resolve({ ok: false, reason: 'connect ECONNREFUSED 127.0.0.1:1' });
  await advance(1_000);
  calls[3]!.resolve({ ok: false, reason: 'connect ECONNREFUSED 127.0.0.1:1' });
  await advance(0);
  checker.stop();
  assert.deepEqual(
    reports.map((r) => [r.health, r.restart]),
    [
      ['healthy', false],
      ['unhealthy', true],
    ],
  );
  assert.equal(
    reports[1]!.message,
    'health healthy → unhealthy: liveness probe tcp 127.0.0.1:1 failed 2 times in a row (last: connect ECONNREFUSED 127.0.0.1:1); restarting',
  );
  assert.deepEqual(reports[1]!.data, {
    probe: 'liveness',
    check: 'tcp 127.0.0.1:1',
    reason: 'connect ECONNREFUSED 127.0.0.1:1',
  });
});

test('a failing readiness probe makes the instance unhealthy without a restart', async () => {
  const { checker, calls, reports } = createChecker([spec('readiness', 2, { failureThreshold: 1 })]);
  checker.start();
  await advance(0);
  calls[0]!.resolve({ ok: false, reason: 'HTTP 503' });
  await advance(0);
  checker.stop();
  assert.deepEqual(
    reports.map((r) => [r.health, r.restart]),
    [['unhealthy', false]],
  );
});

test('a startup probe gates the others until it passes once', async () => {
  const { checker, calls } = createChecker([spec('startup', 1), spec('liveness', 2)]);
  checker.start();
  await advance(0);
  calls[0]!.resolve({ ok: false, reason: 'refused' });
  await advance(1_000);
  assert.deepEqual(calls.map(port), [1, 1]);
  calls[1]!.resolve({ ok: true });
  await advance(0);
  assert.deepEqual(calls.map(port), [1, 1, 2]);
  calls[2]!.resolve({ ok: true });
  await advance(5_000);
  assert.ok(
    calls.slice(3).every((c) => port(c) === 2),
    'the startup probe runs no more',
  );
  checker.stop();
});

test('stop aborts the probe in flight and drops its result; start resumes with what is overdue', async () => {
  const { checker, calls, reports } = createChecker([spec('liveness', 1, { failureThreshold: 1 })]);
  checker.start();
  await advance(0);
  checker.stop();
  assert.equal(calls[0]!.signal.aborted, true);
  calls[0]!.resolve({ ok: false, reason: 'late' });
  await advance(10_000);
  assert.equal(calls.length, 1, 'no probe while stopped');
  assert.deepEqual(reports, []);
  checker.start();
  await advance(0);
  assert.equal(calls.length, 2);
  checker.stop();
});
