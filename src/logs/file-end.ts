// Whether a file ends inside a line, told by its last byte: the last write into it was cut short
// (a daemon killed while writing, a disk that failed), or a line is still being written.
import fs from 'node:fs';

const LAST = Buffer.alloc(1);

/** False for an empty or unreadable file. */
export function endsInsideLine(file: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    const size = fs.fstatSync(fd).size;
    return size > 0 && fs.readSync(fd, LAST, 0, 1, size - 1) === 1 && LAST[0] !== 10;
  } catch {
    return false;
  } finally {
    fs.closeSync(fd);
  }
}
