// Health verdicts as tables: thresholds, the start period, startup gating, the overall health.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_PROBE } from '../../../src/config/defaults.js';
import type { ProbeResult } from '../../../src/health/probe.js';
import {
  activeProbes,
  countResult,
  demandsRestart,
  NEW_TALLY,
  overallHealth,
  type Tally,
} from '../../../src/health/probe-tally.js';
import type { ProbeSpec } from '../../../src/protocol/app-spec.js';

const probe = (kind: ProbeSpec['kind'], overrides: Partial<ProbeSpec> = {}): ProbeSpec => ({
  kind,
  check: { type: 'tcp', host: '127.0.0.1', port: 80 },
  ...DEFAULT_PROBE,
  ...overrides,
});
const pass: ProbeResult = { ok: true };
const fail: ProbeResult = { ok: false, reason: 'HTTP 500' };
const tally = (overrides: Partial<Tally>): Tally => ({ ...NEW_TALLY, ...overrides });

interface CountRow {
  name: string;
  before: Tally;
  result: ProbeResult;
  probe?: Partial<ProbeSpec>;
  runAgeMs?: number;
  expected: Tally;
}

const countRows: CountRow[] = [
  {
    name: 'a first success passes (success threshold 1)',
    before: NEW_TALLY,
    result: pass,
    expected: tally({ successes: 1, verdict: 'pass', passedOnce: true }),
  },
  {
    name: 'failures below the threshold keep the verdict',
    before: tally({ verdict: 'pass', passedOnce: true, failures: 1 }),
    result: fail,
    expected: tally({ verdict: 'pass', passedOnce: true, failures: 2, lastFailure: 'HTTP 500' }),
  },
  {
    name: 'the failure that reaches the threshold fails',
    before: tally({ verdict: 'pass', passedOnce: true, failures: 2 }),
    result: fail,
    expected: tally({ verdict: 'fail', passedOnce: true, failures: 3, lastFailure: 'HTTP 500' }),
  },
  {
    name: 'a success resets the failure count',
    before: tally({ verdict: 'pass', failures: 2, passedOnce: true, lastFailure: 'HTTP 500' }),
    result: pass,
    expected: tally({ verdict: 'pass', successes: 1, passedOnce: true, lastFailure: 'HTTP 500' }),
  },
  {
    name: 'a failing probe needs success_threshold successes to pass again',
    before: tally({ verdict: 'fail', failures: 3, lastFailure: 'HTTP 500' }),
    result: pass,
    probe: { successThreshold: 2 },
    expected: tally({ verdict: 'fail', successes: 1, lastFailure: 'HTTP 500' }),
  },
  {
    name: 'a failure within the start period does not count',
    before: tally({ failures: 2 }),
    result: fail,
    probe: { startPeriodMs: 5_000 },
    runAgeMs: 4_999,
    expected: tally({ failures: 2, lastFailure: 'HTTP 500' }),
  },
  {
    name: 'a failure after the start period counts',
    before: tally({ failures: 2 }),
    result: fail,
    probe: { startPeriodMs: 5_000 },
    runAgeMs: 5_000,
    expected: tally({ failures: 3, verdict: 'fail', lastFailure: 'HTTP 500' }),
  },
  {
    name: 'a success within the start period counts',
    before: NEW_TALLY,
    result: pass,
    probe: { startPeriodMs: 5_000 },
    runAgeMs: 10,
    expected: tally({ successes: 1, verdict: 'pass', passedOnce: true }),
  },
];

for (const row of countRows) {
  test(`countResult: ${row.name}`, () => {
    const spec = probe('liveness', row.probe);
    assert.deepEqual(countResult(row.before, row.result, spec, row.runAgeMs ?? 60_000), row.expected);
  });
}

const passing = tally({ verdict: 'pass', passedOnce: true });
const failing = tally({ verdict: 'fail', failures: 3 });

interface HealthRow {
  name: string;
  probes: ProbeSpec[];
  tallies: Tally[];
  active: number[];
  health: ReturnType<typeof overallHealth>;
}

const healthRows: HealthRow[] = [
  { name: 'no probes: unknown', probes: [], tallies: [], active: [], health: 'unknown' },
  {
    name: 'no verdict yet: unknown',
    probes: [probe('liveness')],
    tallies: [NEW_TALLY],
    active: [0],
    health: 'unknown',
  },
  {
    name: 'liveness passes: healthy',
    probes: [probe('liveness')],
    tallies: [passing],
    active: [0],
    health: 'healthy',
  },
  {
    name: 'readiness fails: unhealthy',
    probes: [probe('liveness'), probe('readiness')],
    tallies: [passing, failing],
    active: [0, 1],
    health: 'unhealthy',
  },
  {
    name: 'one passing and one without verdict: unknown',
    probes: [probe('liveness'), probe('readiness')],
    tallies: [passing, NEW_TALLY],
    active: [0, 1],
    health: 'unknown',
  },
  {
    name: 'startup not passed yet gates the others',
    probes: [probe('startup'), probe('liveness')],
    tallies: [NEW_TALLY, passing],
    active: [0],
    health: 'unknown',
  },
  {
    name: 'startup failing: unhealthy',
    probes: [probe('startup'), probe('liveness')],
    tallies: [failing, NEW_TALLY],
    active: [0],
    health: 'unhealthy',
  },
  {
    name: 'startup passed once: the others run, startup no more',
    probes: [probe('startup'), probe('liveness')],
    tallies: [passing, passing],
    active: [1],
    health: 'healthy',
  },
  {
    name: 'only a startup probe, passed: healthy',
    probes: [probe('startup')],
    tallies: [passing],
    active: [],
    health: 'healthy',
  },
];

for (const row of healthRows) {
  test(`overallHealth and activeProbes: ${row.name}`, () => {
    assert.deepEqual(activeProbes(row.probes, row.tallies), row.active);
    assert.equal(overallHealth(row.probes, row.tallies), row.health);
  });
}

test('a liveness or startup probe crossing its threshold demands a restart, once; readiness never', () => {
  const before = tally({ verdict: 'pass', failures: 2 });
  assert.equal(demandsRestart(probe('liveness'), before, failing), true);
  assert.equal(demandsRestart(probe('startup'), NEW_TALLY, failing), true);
  assert.equal(demandsRestart(probe('readiness'), before, failing), false);
  assert.equal(demandsRestart(probe('liveness'), failing, { ...failing, failures: 4 }), false);
});
