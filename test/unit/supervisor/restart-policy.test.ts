import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RecoveryPolicy } from '../../../src/protocol/app-spec.js';
import type { ExitInfo } from '../../../src/protocol/process-info.js';
import {
  decideRestart,
  decideTaskEnd,
  describeExit,
  EMPTY_HISTORY,
  type RestartDecision,
  type RestartHistory,
  recordExit,
} from '../../../src/supervisor/restart-policy.js';

const policy: RecoveryPolicy = {
  autoRestart: 'always',
  maxRestarts: 3,
  restartWindowMs: 60_000,
  minUptimeMs: 1_000,
  restartDelayMs: 0,
  backoffMaxMs: 30_000,
  stopExitCodes: [],
  retryAfterMs: 0,
};
const AT = 1_000_000;
const crash = (overrides: Partial<ExitInfo> = {}): ExitInfo => ({
  code: 1,
  signal: null,
  at: AT,
  uptimeMs: 5_000,
  ...overrides,
});
const short = (overrides: Partial<ExitInfo> = {}): ExitInfo => crash({ uptimeMs: 100, ...overrides });
const shortRuns = (n: number): RestartHistory => ({ restartTimes: [], consecutiveShortRuns: n });

interface DecideRow {
  name: string;
  exit: ExitInfo;
  history?: RestartHistory;
  policy?: Partial<RecoveryPolicy>;
  expected: RestartDecision;
}

const decideRows: DecideRow[] = [
  { name: 'a crash after a stable run restarts at once', exit: crash(), expected: restart(0) },
  {
    name: 'restartDelay is honoured',
    exit: crash(),
    policy: { restartDelayMs: 1_500 },
    expected: restart(1_500),
  },
  { name: 'a kill by signal restarts', exit: crash({ code: null, signal: 'SIGKILL' }), expected: restart(0) },
  { name: 'autoRestart always restarts a clean exit', exit: crash({ code: 0 }), expected: restart(0) },
  {
    name: 'autoRestart on-failure stops after a clean exit',
    exit: crash({ code: 0 }),
    policy: { autoRestart: 'on-failure' },
    expected: { action: 'stop', reason: 'exited with code 0' },
  },
  {
    name: 'autoRestart on-failure restarts a non-zero exit',
    exit: crash({ code: 2 }),
    policy: { autoRestart: 'on-failure' },
    expected: restart(0),
  },
  {
    name: 'autoRestart on-failure restarts a kill by signal',
    exit: crash({ code: null, signal: 'SIGSEGV' }),
    policy: { autoRestart: 'on-failure' },
    expected: restart(0),
  },
  {
    name: 'autoRestart never stops',
    exit: crash(),
    policy: { autoRestart: 'never' },
    expected: { action: 'stop', reason: 'auto-restart is off' },
  },
  {
    name: 'a stop exit code stops',
    exit: crash({ code: 3 }),
    policy: { stopExitCodes: [0, 3] },
    expected: { action: 'stop', reason: 'exit code 3 is a stop exit code' },
  },
  {
    name: 'a code outside stopExitCodes restarts',
    exit: crash({ code: 4 }),
    policy: { stopExitCodes: [0, 3] },
    expected: restart(0),
  },
  {
    name: 'a kill by signal is never a stop exit code',
    exit: crash({ code: null, signal: 'SIGTERM' }),
    policy: { stopExitCodes: [0] },
    expected: restart(0),
  },
  {
    name: 'exit 127 on a short run gives up as spawn-failed',
    exit: short({ code: 127 }),
    expected: { action: 'give-up', reason: 'spawn-failed', detail: 'command not found (exit code 127)' },
  },
  {
    name: 'exit 126 on a short run gives up as spawn-failed',
    exit: short({ code: 126 }),
    expected: { action: 'give-up', reason: 'spawn-failed', detail: 'command not executable (exit code 126)' },
  },
  {
    name: 'exit 127 on a short run gives up even when autoRestart is never',
    exit: short({ code: 127 }),
    policy: { autoRestart: 'never' },
    expected: { action: 'give-up', reason: 'spawn-failed', detail: 'command not found (exit code 127)' },
  },
  { name: 'exit 127 after a stable run restarts', exit: crash({ code: 127 }), expected: restart(0) },
  {
    name: 'maxRestarts within the window gives up as a crash loop',
    exit: short(),
    history: { restartTimes: [AT - 3_000, AT - 2_000, AT - 1_000], consecutiveShortRuns: 3 },
    expected: {
      action: 'give-up',
      reason: 'crash-loop',
      detail: 'exited with code 1; 3 restarts within 60s',
    },
  },
  {
    name: 'restarts older than the window do not count',
    exit: short(),
    history: { restartTimes: [AT - 70_000, AT - 60_000, AT - 1_000], consecutiveShortRuns: 1 },
    expected: restart(100),
  },
  {
    name: 'maxRestarts 0 gives up on the first crash',
    exit: crash({ code: null, signal: 'SIGABRT' }),
    policy: { maxRestarts: 0 },
    expected: { action: 'give-up', reason: 'crash-loop', detail: 'killed by SIGABRT; 0 restarts within 60s' },
  },
  { name: 'the first short run restarts without backoff', exit: short(), expected: restart(0) },
  { name: 'backoff starts at 100ms', exit: short(), history: shortRuns(1), expected: restart(100) },
  { name: 'backoff doubles', exit: short(), history: shortRuns(2), expected: restart(200) },
  { name: 'backoff doubles again', exit: short(), history: shortRuns(4), expected: restart(800) },
  {
    name: 'backoff is capped at backoffMax',
    exit: short(),
    history: shortRuns(20),
    policy: { maxRestarts: 1 },
    expected: restart(30_000),
  },
  {
    name: 'backoff is capped at restart_window / max_restarts, so that a crash loop can give up',
    exit: short(),
    history: shortRuns(20),
    expected: restart(20_000),
  },
  {
    name: 'backoffMax 0 disables backoff',
    exit: short(),
    history: shortRuns(5),
    policy: { backoffMaxMs: 0 },
    expected: restart(0),
  },
  {
    name: 'a stable run after short runs restarts without backoff',
    exit: crash(),
    history: shortRuns(5),
    expected: restart(0),
  },
  {
    name: 'restartDelay wins over a shorter backoff',
    exit: short(),
    history: shortRuns(2),
    policy: { restartDelayMs: 1_000 },
    expected: restart(1_000),
  },
  {
    name: 'backoff wins over a shorter restartDelay',
    exit: short(),
    history: shortRuns(5),
    policy: { restartDelayMs: 1_000 },
    expected: restart(1_600),
  },
];

function restart(delayMs: number): RestartDecision {
  return { action: 'restart', delayMs };
}

for (const row of decideRows) {
  test(`decideRestart: ${row.name}`, () => {
    const decision = decideRestart(row.exit, row.history ?? EMPTY_HISTORY, { ...policy, ...row.policy });
    assert.deepEqual(decision, row.expected);
  });
}

interface RecordRow {
  name: string;
  history: RestartHistory;
  exit: ExitInfo;
  decision: RestartDecision;
  expected: RestartHistory;
}

const recordRows: RecordRow[] = [
  {
    name: 'a stable run resets the history to this restart',
    history: { restartTimes: [AT - 2_000, AT - 1_000], consecutiveShortRuns: 2 },
    exit: crash(),
    decision: restart(0),
    expected: { restartTimes: [AT], consecutiveShortRuns: 0 },
  },
  {
    name: 'a stable run that stops clears the history',
    history: { restartTimes: [AT - 1_000], consecutiveShortRuns: 1 },
    exit: crash({ code: 0 }),
    decision: { action: 'stop', reason: 'exited with code 0' },
    expected: EMPTY_HISTORY,
  },
  {
    name: 'a short run adds its restart and counts itself',
    history: { restartTimes: [AT - 1_000], consecutiveShortRuns: 1 },
    exit: short(),
    decision: restart(100),
    expected: { restartTimes: [AT - 1_000, AT], consecutiveShortRuns: 2 },
  },
  {
    name: 'restarts that left the window are dropped',
    history: { restartTimes: [AT - 90_000, AT - 60_000, AT - 59_999], consecutiveShortRuns: 3 },
    exit: short(),
    decision: restart(400),
    expected: { restartTimes: [AT - 59_999, AT], consecutiveShortRuns: 4 },
  },
  {
    name: 'a give-up records no restart',
    history: { restartTimes: [AT - 1_000], consecutiveShortRuns: 1 },
    exit: crash(),
    decision: { action: 'give-up', reason: 'crash-loop', detail: '' },
    expected: { restartTimes: [AT - 1_000], consecutiveShortRuns: 2 },
  },
];

for (const row of recordRows) {
  test(`recordExit: ${row.name}`, () => {
    assert.deepEqual(recordExit(row.history, row.exit, row.decision, policy), row.expected);
  });
}

/** Feed a series of exits through decideRestart + recordExit, as ManagedProcess does. */
function simulate(exits: ExitInfo[], recovery: RecoveryPolicy = policy): RestartDecision[] {
  let history = EMPTY_HISTORY;
  return exits.map((exit) => {
    const decision = decideRestart(exit, history, recovery);
    history = recordExit(history, exit, decision, recovery);
    return decision;
  });
}

test('a crash loop backs off, then gives up after maxRestarts within the window', () => {
  const exits = [0, 1, 2, 3].map((i) => short({ at: AT + i * 500 }));
  assert.deepEqual(simulate(exits), [
    restart(0),
    restart(100),
    restart(200),
    { action: 'give-up', reason: 'crash-loop', detail: 'exited with code 1; 3 restarts within 60s' },
  ]);
});

test('a stable run in the middle of a crash loop resets the count and the backoff', () => {
  const exits = [
    short({ at: AT }),
    short({ at: AT + 500 }),
    crash({ at: AT + 6_000, uptimeMs: 5_000 }),
    short({ at: AT + 6_500 }),
    short({ at: AT + 7_000 }),
    short({ at: AT + 7_500 }),
  ];
  assert.deepEqual(
    simulate(exits).map((d) => d.action),
    ['restart', 'restart', 'restart', 'restart', 'restart', 'give-up'],
  );
  assert.deepEqual(simulate(exits).slice(2, 5), [restart(0), restart(0), restart(100)]);
});

test('crashes spread wider than the window restart forever', () => {
  const exits = [0, 1, 2, 3, 4, 5].map((i) => short({ at: AT + i * 30_001 }));
  assert.ok(simulate(exits).every((d) => d.action === 'restart'));
});

test('describeExit names a signal, a code, or an unknown end', () => {
  assert.equal(describeExit(crash({ code: null, signal: 'SIGKILL' })), 'killed by SIGKILL');
  assert.equal(describeExit(crash({ code: 3 })), 'exited with code 3');
  assert.equal(describeExit(crash({ code: null })), 'exited (code unknown)');
});

test('a task: exit 0 completes it, whatever the policy; a failure is restarted only as the policy says', () => {
  const ok = crash({ code: 0 });
  for (const autoRestart of ['always', 'on-failure', 'never'] as const) {
    assert.deepEqual(decideTaskEnd(ok, EMPTY_HISTORY, { ...policy, autoRestart }), {
      action: 'stop',
      reason: 'completed',
      outcome: 'completed',
    });
  }
  assert.deepEqual(decideTaskEnd(crash(), EMPTY_HISTORY, { ...policy, autoRestart: 'never' }), {
    action: 'stop',
    reason: 'auto-restart is off',
    outcome: 'failed',
  });
  assert.deepEqual(decideTaskEnd(crash({ code: null, signal: 'SIGKILL' }), EMPTY_HISTORY, policy), {
    action: 'restart',
    delayMs: 0,
  });
  assert.equal(
    decideTaskEnd(crash(), EMPTY_HISTORY, { ...policy, autoRestart: 'on-failure' }).action,
    'restart',
  );
  // A stop exit code ends a task as failed: it did not succeed, and is not restarted.
  assert.deepEqual(decideTaskEnd(crash({ code: 3 }), EMPTY_HISTORY, { ...policy, stopExitCodes: [3] }), {
    action: 'stop',
    reason: 'exit code 3 is a stop exit code',
    outcome: 'failed',
  });
});
