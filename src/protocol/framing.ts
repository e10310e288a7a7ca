// NDJSON over a stream socket: one JSON value per line. The decoder bounds the line length so a
// peer that never sends a newline cannot make the daemon buffer without limit, and it can share
// one byte budget with other decoders, so that many such peers together cannot either.

export const MAX_FRAME_BYTES = 1024 * 1024;

export function encodeFrame(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

export type DecodedFrame =
  | { ok: true; value: unknown }
  | { ok: false; error: 'malformed' | 'oversize' | 'over-budget' };

/** An allowance for the bytes of unfinished frames, shared by decoders (every connection of a daemon). */
export interface ByteBudget {
  /** False, taking nothing, when the bytes do not fit. */
  take(bytes: number): boolean;
  give(bytes: number): void;
}

const UNLIMITED: ByteBudget = { take: () => true, give: () => {} };

/** Splits incoming chunks into frames; a chunk may hold part of a frame or several frames. */
export class FrameDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private discarding = false;

  constructor(
    private readonly maxFrameBytes = MAX_FRAME_BYTES,
    private readonly budget: ByteBudget = UNLIMITED,
  ) {}

  /** A frame has begun and not ended (its bytes are held, or being dropped). */
  get inFrame(): boolean {
    return this.pendingBytes > 0 || this.discarding;
  }

  push(chunk: Buffer): DecodedFrame[] {
    const frames: DecodedFrame[] = [];
    let start = 0;
    for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
      const part = chunk.subarray(start, newline);
      start = newline + 1;
      if (this.discarding) {
        this.discarding = false;
        continue;
      }
      if (this.pendingBytes + part.length > this.maxFrameBytes) {
        this.reset();
        frames.push({ ok: false, error: 'oversize' });
        continue;
      }
      const line = this.pendingBytes === 0 ? part : Buffer.concat([...this.pending, part]);
      this.reset();
      if (line.length > 0) frames.push(parseFrame(line));
    }
    const rest = chunk.subarray(start);
    if (rest.length > 0 && !this.discarding) {
      const error =
        this.pendingBytes + rest.length > this.maxFrameBytes
          ? 'oversize'
          : this.budget.take(rest.length)
            ? null
            : 'over-budget';
      if (error) {
        // Drop the rest of this line when its newline arrives; report the frame now.
        this.reset();
        this.discarding = true;
        frames.push({ ok: false, error });
      } else {
        this.pending.push(Buffer.from(rest));
        this.pendingBytes += rest.length;
      }
    }
    return frames;
  }

  /** Gives the unfinished frame's bytes back to the budget: the connection is gone. */
  release(): void {
    this.reset();
    this.discarding = false;
  }

  private reset(): void {
    this.budget.give(this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
  }
}

function parseFrame(line: Buffer): DecodedFrame {
  try {
    return { ok: true, value: JSON.parse(line.toString('utf8')) };
  } catch {
    return { ok: false, error: 'malformed' };
  }
}
