// NDJSON over a stream socket: one JSON value per line. The decoder bounds the line length so a
// peer that never sends a newline cannot make the daemon buffer without limit.

export const MAX_FRAME_BYTES = 1024 * 1024;

export function encodeFrame(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

export type DecodedFrame = { ok: true; value: unknown } | { ok: false; error: 'malformed' | 'oversize' };

/** Splits incoming chunks into frames; a chunk may hold part of a frame or several frames. */
export class FrameDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private discarding = false;

  constructor(private readonly maxFrameBytes = MAX_FRAME_BYTES) {}

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
      if (this.pendingBytes + rest.length > this.maxFrameBytes) {
        // Drop the rest of this line when its newline arrives; report the oversize frame now.
        this.reset();
        this.discarding = true;
        frames.push({ ok: false, error: 'oversize' });
      } else {
        this.pending.push(Buffer.from(rest));
        this.pendingBytes += rest.length;
      }
    }
    return frames;
  }

  private reset(): void {
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
