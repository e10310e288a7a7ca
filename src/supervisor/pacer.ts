// Long changes (an apply or scale of thousands of instances) yield to the event loop as they go,
// so that the daemon answers other requests meanwhile, and its loop is never held for long.
import type { Clock } from './world.js';

/** Instances made, or started, per turn of the event loop in a large apply or scale, at most. */
export const STEPS_PER_TURN = 32;
/** A turn of a long change ends once it took this long, whatever its count: a fork alone can take
 * 3 ms on a loaded machine, so 32 of them held the loop for 100 ms. */
export const TURN_BUDGET_MS = 10;

/** Counts steps of a long change and yields to the event loop after STEPS_PER_TURN of them, or
 * once the steps of this turn took TURN_BUDGET_MS, whichever comes first. The budget starts after
 * a turn's first step, which pays what the turn's steps share (one /proc scan serves every stop of
 * a turn): else a turn whose first step scanned would take one step. */
export class Pacer {
  private steps = 0;
  private turnStartMs = 0;

  constructor(
    private readonly clock: Clock,
    private readonly limits = { steps: STEPS_PER_TURN, budgetMs: TURN_BUDGET_MS },
  ) {}

  async step(): Promise<void> {
    this.steps += 1;
    const nowMs = this.clock.now();
    if (this.steps === 1) this.turnStartMs = nowMs;
    if (this.steps < this.limits.steps && nowMs - this.turnStartMs < this.limits.budgetMs) return;
    await this.clock.nextTurn();
    this.steps = 0;
  }
}
