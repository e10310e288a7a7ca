// Pure restart decisions: given how a run ended and the recent history, restart (after how long),
// stop on purpose, or give up. ManagedProcess sets the timers; this only decides.
import type { RecoveryPolicy } from '../protocol/app-spec.js';
import type { ExitInfo } from '../protocol/process-info.js';

export type RestartDecision =
  | { action: 'restart'; delayMs: number }
  /** `outcome`: how a task's run ended (a service's stop has none). */
  | { action: 'stop'; reason: string; outcome?: 'completed' | 'failed' }
  /** `retryInMs`: a crash loop is tried again this long after giving up (absent: never). */
  | { action: 'give-up'; reason: 'crash-loop' | 'spawn-failed'; detail: string; retryInMs?: number };

/** Recent automatic restarts (epoch ms) and the length of the current run of short-lived exits. */
export interface RestartHistory {
  restartTimes: number[];
  consecutiveShortRuns: number;
}

export const EMPTY_HISTORY: RestartHistory = { restartTimes: [], consecutiveShortRuns: 0 };

const COMMAND_NOT_FOUND = 127;
const NOT_EXECUTABLE = 126;

export function describeExit(exit: ExitInfo): string {
  if (exit.signal) return `killed by ${exit.signal}`;
  if (exit.code === null) return 'exited (code unknown)';
  return `exited with code ${exit.code}`;
}

/** The backoff never outgrows restart_window / max_restarts: a loop spaced wider could never count
 * max_restarts restarts within the window, and an app that cannot stay up would never reach
 * `errored` and its alert (with the defaults it waited 30 s between restarts, forever). */
function backoffCap(policy: RecoveryPolicy): number {
  if (policy.restartWindowMs === 0 || policy.maxRestarts === 0) return policy.backoffMaxMs;
  return Math.min(policy.backoffMaxMs, Math.floor(policy.restartWindowMs / policy.maxRestarts));
}

/** A task: exit 0 completes it; a failure is restarted only as its policy says (`always` restarts
 * failures only: a task that succeeded is done). */
export function decideTaskEnd(
  exit: ExitInfo,
  history: RestartHistory,
  policy: RecoveryPolicy,
): RestartDecision {
  if (exit.code === 0 && exit.signal === null)
    return { action: 'stop', reason: 'completed', outcome: 'completed' };
  const autoRestart = policy.autoRestart === 'always' ? 'on-failure' : policy.autoRestart;
  const decision = decideRestart(exit, history, { ...policy, autoRestart });
  return decision.action === 'stop' ? { ...decision, outcome: 'failed' } : decision;
}

export function decideRestart(
  exit: ExitInfo,
  history: RestartHistory,
  policy: RecoveryPolicy,
): RestartDecision {
  const shortRun = exit.uptimeMs < policy.minUptimeMs;
  if (shortRun && (exit.code === COMMAND_NOT_FOUND || exit.code === NOT_EXECUTABLE)) {
    const what = exit.code === COMMAND_NOT_FOUND ? 'command not found' : 'command not executable';
    return { action: 'give-up', reason: 'spawn-failed', detail: `${what} (exit code ${exit.code})` };
  }
  if (policy.autoRestart === 'never') return { action: 'stop', reason: 'auto-restart is off' };
  const clean = exit.code !== null && policy.stopExitCodes.includes(exit.code);
  if (clean) return { action: 'stop', reason: `exit code ${exit.code} is a stop exit code` };
  const failed = exit.signal !== null || exit.code !== 0;
  if (policy.autoRestart === 'on-failure' && !failed) return { action: 'stop', reason: 'exited with code 0' };

  const windowStart = exit.at - policy.restartWindowMs;
  // A stable run has reset the count: only the restarts of the current crash loop are held against it.
  const recent = shortRun ? history.restartTimes.filter((t) => t > windowStart).length : 0;
  if (recent >= policy.maxRestarts) {
    return {
      action: 'give-up',
      reason: 'crash-loop',
      detail: `${describeExit(exit)}; ${recent} restarts within ${Math.round(policy.restartWindowMs / 1000)}s`,
      ...(policy.retryAfterMs > 0 && { retryInMs: policy.retryAfterMs }),
    };
  }
  const shortRuns = shortRun ? history.consecutiveShortRuns : 0;
  const cap = backoffCap(policy);
  const backoff = shortRuns === 0 || cap === 0 ? 0 : Math.min(cap, 100 * 2 ** (shortRuns - 1));
  return { action: 'restart', delayMs: Math.max(policy.restartDelayMs, backoff) };
}

/** The history after a run ends; a stable run (at least minUptime) clears it. */
export function recordExit(
  history: RestartHistory,
  exit: ExitInfo,
  decision: RestartDecision,
  policy: RecoveryPolicy,
): RestartHistory {
  if (exit.uptimeMs >= policy.minUptimeMs && decision.action !== 'give-up') {
    return { restartTimes: decision.action === 'restart' ? [exit.at] : [], consecutiveShortRuns: 0 };
  }
  const windowStart = exit.at - policy.restartWindowMs;
  return {
    restartTimes: [
      ...history.restartTimes.filter((t) => t > windowStart),
      ...(decision.action === 'restart' ? [exit.at] : []),
    ],
    consecutiveShortRuns: history.consecutiveShortRuns + 1,
  };
}
