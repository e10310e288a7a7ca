// Runs' ends are told a few per loop turn. A stop of thousands ends them together: libuv reaps the
// daemon's children and a helper's channel brings its runs' ends in one turn, and each end costs
// the supervisor 0.3 ms at 10,000 instances (its state, its event), so 1000 at once held the loop
// for 300 ms.
import { setImmediate } from 'node:timers';

/** Ends told per loop turn. */
const PER_TURN = 64;

export class ExitPace {
  private readonly queue: Array<() => void> = [];
  private scheduled = false;

  constructor(private readonly perTurn = PER_TURN) {}

  /** Tells the end in this or a later turn, after those queued before it. */
  add(tell: () => void): void {
    this.queue.push(tell);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      for (const tell of this.queue.splice(0, this.perTurn)) tell();
      this.schedule();
    });
  }
}
