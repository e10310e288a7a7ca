// Long changes (an apply or scale of thousands of instances) yield to the event loop as they go,
// so that the daemon answers other requests meanwhile, and its loop is never held for long.
import type { Clock } from './world.js';

/** Instances made, or started, per turn of the event loop in a large apply or scale, at most. */
export const STEPS_PER_TURN = 32;
/** A turn of a long change ends once it took this long, whatever its count: a fork alone can take
 * 3 ms on a loaded machine, so 32 of them held the loop for 100 ms. */
export const TURN_BUDGET_MS = 10;
/**
 * A turn of the change and the rest of the loop iteration until the next one are kept near this
 * (the daemon's max loop delay target is 50 ms): what a turn's steps cause comes in the next
 * iteration (a stop of 1000 instances: their exits, which libuv reaps by a waitpid per live child
 * at each SIGCHLD, and their ends; a start: their spawn events), and a turn that took its whole
 * budget after an iteration of 20-30 ms of that made 40-60 ms.
 */
export const ITERATION_TARGET_MS = 20;
/** The least budget of a turn, after its first step. */
export const MIN_TURN_BUDGET_MS = 2;

/** Counts steps of a long change and yields to the event loop after STEPS_PER_TURN of them, or
 * once the steps of this turn took their budget, whichever comes first. The budget starts after
 * a turn's first step, which pays what the turn's steps share (one /proc scan serves every stop of
 * a turn): else a turn whose first step scanned would take one step. It is what the last iteration
 * left of ITERATION_TARGET_MS, within TURN_BUDGET_MS. */
export class Pacer {
  private steps = 0;
  private turnStartMs = 0;
  private budgetMs: number;

  constructor(
    private readonly clock: Clock,
    private readonly limits = { steps: STEPS_PER_TURN, budgetMs: TURN_BUDGET_MS },
  ) {
    this.budgetMs = limits.budgetMs;
  }

  async step(): Promise<void> {
    this.steps += 1;
    const nowMs = this.clock.now();
    if (this.steps === 1) this.turnStartMs = nowMs;
    if (this.steps < this.limits.steps && nowMs - this.turnStartMs < this.budgetMs) return;
    await this.clock.nextTurn();
    const restMs = this.clock.now() - nowMs;
    this.budgetMs = Math.min(
      this.limits.budgetMs,
      Math.max(MIN_TURN_BUDGET_MS, ITERATION_TARGET_MS - restMs),
    );
    this.steps = 0;
  }
}
