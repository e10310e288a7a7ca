// An instance's runs as the restart policy and `pm describe` see them: the restart counter, the
// crash-loop history, and the last restart decisions with their reasons.
import type { RecoveryPolicy } from '../protocol/app-spec.js';
import type { ExitInfo, RestartRecord } from '../protocol/process-info.js';
import {
  decideRestart,
  decideTaskEnd,
  describeExit,
  EMPTY_HISTORY,
  type RestartDecision,
  type RestartHistory,
  recordExit,
} from './restart-policy.js';

const MAX_RECORDS = 20;

export class RunHistory {
  restarts = 0;
  private runs = 0;
  private crashLoop: RestartHistory = EMPTY_HISTORY;
  private records: RestartRecord[] = [];

  /** What an earlier daemon counted; `runs` > 0 makes the next run a restart. */
  restore(restarts: number, runs: number): void {
    this.restarts = restarts;
    this.runs = runs;
  }

  /** A new run began: every run after the first is a restart. */
  countRun(): void {
    if (this.runs > 0) this.restarts += 1;
    this.runs += 1;
  }

  /** What follows a run that ended on its own; `paused`: the user froze it, and a new run would not
   * be; `task`: the run was to complete (decideTaskEnd). */
  decide(exit: ExitInfo, paused: boolean, recovery: RecoveryPolicy, task: boolean): RestartDecision {
    const decide = task ? decideTaskEnd : decideRestart;
    const decision: RestartDecision = paused
      ? { action: 'stop', reason: 'exited while paused' }
      : decide(exit, this.crashLoop, recovery);
    this.crashLoop = recordExit(this.crashLoop, exit, decision, recovery);
    const outcome =
      decision.action === 'restart'
        ? `restart in ${decision.delayMs} ms`
        : decision.action === 'stop'
          ? decision.reason
          : `${decision.reason}: ${decision.detail}`;
    this.records = [
      ...this.records,
      { at: exit.at, exit, reason: `${describeExit(exit)}; ${outcome}` },
    ].slice(-MAX_RECORDS);
    return decision;
  }

  /** Leaving `errored` starts with a fresh crash-loop count. */
  clearCrashLoop(): void {
    this.crashLoop = EMPTY_HISTORY;
  }

  /** `pm reset`: everything but the run in progress, if there is one. */
  reset(running: boolean): void {
    this.crashLoop = EMPTY_HISTORY;
    this.restarts = 0;
    this.runs = running ? 1 : 0;
    this.records = [];
  }

  list(): RestartRecord[] {
    return [...this.records];
  }
}
