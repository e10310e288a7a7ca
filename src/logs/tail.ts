// Reads a file's lines from the last to the first in fixed blocks from the end, so the tail of a
// 10 GB log costs what the tail costs; the caller stops the generator when it has enough.
import fs from 'node:fs';

const TAIL_BLOCK_BYTES = 64 * 1024;

/** A file opened for reading from its end: its size is taken when it is opened, so lines written
 * after that are not read, even when the reading goes on across turns of the event loop. */
export class FileTail {
  private constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  /** Null for a missing file. */
  static open(file: string): FileTail | null {
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch {
      return null;
    }
    return new FileTail(fd, fs.fstatSync(fd).size);
  }

  /** Whether the file, as opened, ends inside a line (its last byte is not a newline). */
  endsInsideLine(): boolean {
    const last = Buffer.alloc(1);
    return this.size > 0 && fs.readSync(this.fd, last, 0, 1, this.size - 1) === 1 && last[0] !== 10;
  }

  /** Lines newest first, without their newlines. */
  *lines(blockBytes = TAIL_BLOCK_BYTES): Generator<string> {
    let position = this.size;
    // Bytes of a line whose start is in a block not read yet.
    let carry = Buffer.alloc(0);
    let atEnd = true;
    while (position > 0) {
      const start = Math.max(0, position - blockBytes);
      const block = Buffer.allocUnsafe(position - start);
      const read = fs.readSync(this.fd, block, 0, block.length, start);
      const data =
        carry.length > 0 ? Buffer.concat([block.subarray(0, read), carry]) : block.subarray(0, read);
      let end = data.length;
      for (
        let newline = data.lastIndexOf(10, end - 1);
        newline !== -1;
        newline = data.lastIndexOf(10, end - 1)
      ) {
        // The newline that ends the file closes the last line; it does not open an empty one.
        if (!(atEnd && newline + 1 === end)) yield data.toString('utf8', newline + 1, end);
        atEnd = false;
        end = newline;
        if (end === 0) break;
      }
      carry = Buffer.from(data.subarray(0, end));
      position = start;
    }
    if (carry.length > 0 || !atEnd) yield carry.toString('utf8');
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

/** Lines newest first, without their newlines; a missing file has none. */
export function* linesFromEnd(file: string, blockBytes = TAIL_BLOCK_BYTES): Generator<string> {
  const tail = FileTail.open(file);
  if (!tail) return;
  try {
    yield* tail.lines(blockBytes);
  } finally {
    tail.close();
  }
}

/** The same for lines already in memory (an inflated .gz): newest first, without their newlines. */
export function* bufferLinesFromEnd(data: Buffer): Generator<string> {
  if (data.length === 0) return;
  // The newline that ends the data closes the last line; it does not open an empty one.
  let end = data[data.length - 1] === 10 ? data.length - 1 : data.length;
  for (;;) {
    // lastIndexOf with a negative offset would count from the end: nothing is left before 0.
    const newline = end === 0 ? -1 : data.lastIndexOf(10, end - 1);
    yield data.toString('utf8', newline + 1, end);
    if (newline === -1) return;
    end = newline;
  }
}
