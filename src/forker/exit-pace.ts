// Runs' ends are told a few per loop turn. A stop of thousands ends them together: libuv reaps the
// daemon's children and a helper's channel brings its runs' ends in one turn, and each end costs
// the supervisor 0.3 ms at 10,000 instances (its state, its event), so 1000 at once held the loop
// for 300 ms. Until its end is told, a reaped pid is known as such: no signal goes to it (nor to
// its group), since the kernel may give the number to a new process meanwhile.
import { setImmediate } from 'node:timers';

/** Ends told per loop turn. */
const PER_TURN = 64;

export class ExitPace {
  private readonly queue: Array<{ pid: number; tell: () => void }> = [];
  private readonly untold = new Map<number, number>();
  private scheduled = false;

  /** `onError`: what a throwing end comes to; by default the daemon's handler of uncaught errors,
   * as from the exit listener it stands for. */
  constructor(
    private readonly perTurn = PER_TURN,
    private readonly onError: (error: unknown) => void = (error) =>
      setImmediate(() => {
        throw error;
      }),
  ) {}

  /** The process `pid` was reaped: its end is told in this or a later turn, after those before it. */
  add(pid: number, tell: () => void): void {
    this.queue.push({ pid, tell });
    this.untold.set(pid, (this.untold.get(pid) ?? 0) + 1);
    this.schedule();
  }

  /** Reaped, its end not told yet. */
  reaped(pid: number): boolean {
    return this.untold.has(pid);
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const batch = this.queue.splice(0, this.perTurn);
      // The rest go on whatever one of this batch does.
      this.schedule();
      for (const { pid, tell } of batch) {
        const left = this.untold.get(pid)! - 1;
        if (left === 0) this.untold.delete(pid);
        else this.untold.set(pid, left);
        try {
          tell();
        } catch (error) {
          this.onError(error);
        }
      }
    });
  }
}
