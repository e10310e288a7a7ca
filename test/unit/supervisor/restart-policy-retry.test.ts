// Restart decisions under the default policy, and the retry of a crash-looped instance (retry_after).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_RECOVERY } from '../../../src/config/defaults.js';
import type { RecoveryPolicy } from '../../../src/protocol/app-spec.js';
import type { ExitInfo } from '../../../src/protocol/process-info.js';
import {
  decideRestart,
  EMPTY_HISTORY,
  type RestartDecision,
  type RestartHistory,
  recordExit,
} from '../../../src/supervisor/restart-policy.js';

const AT = 50_000_000;
const shortRun = (at: number, overrides: Partial<ExitInfo> = {}): ExitInfo => ({
  code: 1,
  signal: null,
  at,
  uptimeMs: 200,
  ...overrides,
});
const withinWindow = (n: number): RestartHistory => ({
  restartTimes: Array.from({ length: n }, (_, i) => AT - 1_000 * (n - i)),
  consecutiveShortRuns: n,
});

interface Row {
  name: string;
  exit: ExitInfo;
  history?: RestartHistory;
  policy?: Partial<RecoveryPolicy>;
  expected: RestartDecision;
}

const rows: Row[] = [
  {
    name: 'the defaults allow 15 restarts within the window, the backoff at most 60s / 15',
    exit: shortRun(AT),
    history: withinWindow(14),
    expected: { action: 'restart', delayMs: 4_000 },
  },
  {
    name: 'the defaults give up at the 16th crash and retry after 5 minutes',
    exit: shortRun(AT),
    history: withinWindow(15),
    expected: {
      action: 'give-up',
      reason: 'crash-loop',
      detail: 'exited with code 1; 15 restarts within 60s',
      retryInMs: 300_000,
    },
  },
  {
    name: 'retryAfter 0 gives up for good',
    exit: shortRun(AT),
    history: withinWindow(15),
    policy: { retryAfterMs: 0 },
    expected: {
      action: 'give-up',
      reason: 'crash-loop',
      detail: 'exited with code 1; 15 restarts within 60s',
    },
  },
  {
    name: 'a command that is not found is never retried',
    exit: shortRun(AT, { code: 127 }),
    expected: { action: 'give-up', reason: 'spawn-failed', detail: 'command not found (exit code 127)' },
  },
  {
    name: 'the default backoff doubles from 100 ms',
    exit: shortRun(AT),
    history: withinWindow(3),
    expected: { action: 'restart', delayMs: 400 },
  },
  {
    name: 'an exit of unknown code (an adopted process) counts as a failure under on-failure',
    exit: shortRun(AT, { code: null, uptimeMs: 60_000 }),
    policy: { autoRestart: 'on-failure' },
    expected: { action: 'restart', delayMs: 0 },
  },
  {
    name: 'a stop exit code is honoured under on-failure too',
    exit: shortRun(AT, { code: 3 }),
    policy: { autoRestart: 'on-failure', stopExitCodes: [3] },
    expected: { action: 'stop', reason: 'exit code 3 is a stop exit code' },
  },
];

for (const row of rows) {
  test(`decideRestart (defaults): ${row.name}`, () => {
    const policy = { ...DEFAULT_RECOVERY, ...row.policy };
    assert.deepEqual(decideRestart(row.exit, row.history ?? EMPTY_HISTORY, policy), row.expected);
  });
}

test('the default policy is the documented one', () => {
  assert.deepEqual(DEFAULT_RECOVERY, {
    autoRestart: 'always',
    maxRestarts: 15,
    restartWindowMs: 60_000,
    minUptimeMs: 1_000,
    restartDelayMs: 0,
    backoffMaxMs: 30_000,
    stopExitCodes: [],
    retryAfterMs: 300_000,
  });
});

/** Runs exits through the policy as ManagedProcess does; `cleared` marks where the history was cleared. */
function simulate(exits: ExitInfo[], policy: RecoveryPolicy, cleared: Set<number> = new Set()) {
  let history = EMPTY_HISTORY;
  return exits.map((exit, i) => {
    if (cleared.has(i)) history = EMPTY_HISTORY;
    const decision = decideRestart(exit, history, policy);
    history = recordExit(history, exit, decision, policy);
    return decision.action;
  });
}

test('a retry after a crash loop starts with a fresh count (the history is cleared on leaving errored)', () => {
  const policy: RecoveryPolicy = { ...DEFAULT_RECOVERY, maxRestarts: 2, retryAfterMs: 10_000 };
  const loop = (start: number) => [0, 1, 2].map((i) => shortRun(start + i * 300));
  const exits = [...loop(AT), ...loop(AT + 10_600)];
  assert.deepEqual(simulate(exits, policy, new Set([3])), [
    'restart',
    'restart',
    'give-up',
    'restart',
    'restart',
    'give-up',
  ]);
  // Without clearing, the retry would give up at once: both loops fall within one window.
  assert.deepEqual(simulate(exits, policy).slice(3), ['give-up', 'give-up', 'give-up']);
});

test('a stable run between two crash loops resets the count', () => {
  const policy: RecoveryPolicy = { ...DEFAULT_RECOVERY, maxRestarts: 2 };
  const exits = [
    shortRun(AT),
    shortRun(AT + 300),
    shortRun(AT + 5_000, { uptimeMs: 4_000 }),
    shortRun(AT + 5_300),
    shortRun(AT + 5_600),
  ];
  assert.deepEqual(simulate(exits, policy), ['restart', 'restart', 'restart', 'restart', 'give-up']);
});

test('with the default policy, an app that cannot stay up reaches errored within the window, then retries', () => {
  let history = EMPTY_HISTORY;
  let at = AT;
  let restarts = 0;
  for (;;) {
    const exit = shortRun(at, { uptimeMs: 10 });
    const decision = decideRestart(exit, history, DEFAULT_RECOVERY);
    history = recordExit(history, exit, decision, DEFAULT_RECOVERY);
    if (decision.action !== 'restart') {
      assert.deepEqual(decision, {
        action: 'give-up',
        reason: 'crash-loop',
        detail: 'exited with code 1; 15 restarts within 60s',
        retryInMs: 300_000,
      });
      break;
    }
    restarts += 1;
    at += decision.delayMs + 10;
    assert.ok(restarts <= DEFAULT_RECOVERY.maxRestarts, 'never gives up');
  }
  assert.ok(at - AT < DEFAULT_RECOVERY.restartWindowMs, `took ${at - AT} ms`);
});
