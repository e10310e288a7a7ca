// Cuts an output stream into whole lines with one lastIndexOf per chunk (never a per-line loop):
// the unfinished tail is kept until its newline comes. The caller decides when a tail waited or
// grew long enough to end as it is (output-stream.ts).

const NEWLINE = Buffer.from('\n');

// One per stream: a tail kept belongs to that stream alone.
export class LineSplitter {
  private partial: Buffer | null = null;

  get hasPartial(): boolean {
    return this.partial !== null;
  }

  /** Bytes of the unfinished tail. */
  get partialBytes(): number {
    return this.partial?.length ?? 0;
  }

  /**
   * The whole lines this chunk completes, newlines included, or null when it completes none. The
   * chunk may be reused once this returns (the tail kept is a copy); the result may be a view of it.
   */
  push(chunk: Buffer): Buffer | null {
    const last = chunk.lastIndexOf(10);
    if (last === -1) {
      this.partial = this.partial ? Buffer.concat([this.partial, chunk]) : Buffer.from(chunk);
      return null;
    }
    const end = last + 1;
    const whole = this.partial
      ? Buffer.concat([this.partial, chunk.subarray(0, end)])
      : chunk.subarray(0, end);
    this.partial = end < chunk.length ? Buffer.from(chunk.subarray(end)) : null;
    return whole;
  }

  /** The tail as a line of its own (a newline added), or null: when it has waited too long, and at close. */
  takePartial(): Buffer | null {
    const partial = this.partial;
    this.partial = null;
    return partial ? Buffer.concat([partial, NEWLINE]) : null;
  }
}
