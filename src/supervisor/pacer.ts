// Long changes (an apply or scale of thousands of instances) yield to the event loop as they go,
// so that the daemon answers other requests meanwhile.
import type { Clock } from './world.js';

/** Instances made, or started, per turn of the event loop in a large apply or scale. */
export const STEPS_PER_TURN = 32;

/** Counts steps of a long change and yields to the event loop every STEPS_PER_TURN of them. */
export class Pacer {
  private steps = 0;

  constructor(private readonly clock: Clock) {}

  async step(): Promise<void> {
    if (++this.steps % STEPS_PER_TURN === 0) await this.clock.nextTurn();
  }
}
