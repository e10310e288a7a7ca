// Cuts an output stream into whole lines with one lastIndexOf per chunk (never a per-line loop):
// the unfinished tail is held back until its newline comes, so a write never carries half a line.

/** A line longer than this is cut, so one endless line cannot grow the daemon's memory. */
const MAX_LINE_BYTES = 1024 * 1024;

const NEWLINE = Buffer.from('\n');

// One per stream: a tail held back belongs to that stream alone.
export class LineSplitter {
  private partial: Buffer | null = null;

  constructor(private readonly maxLineBytes = MAX_LINE_BYTES) {}

  get hasPartial(): boolean {
    return this.partial !== null;
  }

  /**
   * The whole lines this chunk completes, newlines included, or null when it completes none. The
   * chunk may be reused once this returns (the tail kept is a copy); the result may be a view of it.
   */
  push(chunk: Buffer): Buffer | null {
    const last = chunk.lastIndexOf(10);
    if (last === -1) {
      this.partial = this.partial ? Buffer.concat([this.partial, chunk]) : Buffer.from(chunk);
      return this.partial.length >= this.maxLineBytes ? this.takePartial() : null;
    }
    const end = last + 1;
    const whole = this.partial
      ? Buffer.concat([this.partial, chunk.subarray(0, end)])
      : chunk.subarray(0, end);
    this.partial = end < chunk.length ? Buffer.from(chunk.subarray(end)) : null;
    return whole;
  }

  /** The held-back tail as a line of its own (a newline added), or null: used after a timeout and at close. */
  takePartial(): Buffer | null {
    const partial = this.partial;
    this.partial = null;
    return partial ? Buffer.concat([partial, NEWLINE]) : null;
  }
}
