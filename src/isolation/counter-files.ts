// The counter files of the instance cgroups (cpu.stat, memory.stat), read at every monitor sample:
// kept open and read again in place (pread), which costs a third of open, read and close. At most
// `maxOpen` stay open, the least recently read closed first; a file that cannot be read is closed.
import fs from 'node:fs';

export class CounterFiles {
  private readonly buffer = Buffer.alloc(8192);
  /** path → fd; a Map keeps insertion order, and a read moves its file to the end. */
  private readonly open = new Map<string, number>();

  constructor(private readonly maxOpen = 2048) {}

  /** The values of `key value` lines (cpu.stat, memory.stat), in the order of `keys`; null for a
   * key not found, all null when the file cannot be read. Parsed in place: a sample of 1000
   * instances makes no strings. */
  fields(file: string, keys: readonly string[]): Array<number | null> {
    const length = this.read(file);
    return keys.map((key) => (length === null ? null : this.valueAfter(key, length)));
  }

  /** A file that holds one number (memory.current, cpuacct.usage); null when it cannot be read. */
  value(file: string): number | null {
    const length = this.read(file);
    return length === null ? null : this.number(0, length);
  }

  private valueAfter(key: string, length: number): number | null {
    const line = `${key} `;
    const found = this.buffer.indexOf(`\n${line}`, 0, 'latin1');
    const start =
      this.buffer.toString('latin1', 0, line.length) === line
        ? 0
        : found < 0 || found >= length
          ? -1
          : found + 1;
    return start < 0 ? null : this.number(start + line.length, length);
  }

  /** The decimal digits at `from`. */
  private number(from: number, length: number): number | null {
    let value = 0;
    let at = from;
    for (; at < length; at++) {
      const digit = this.buffer[at]! - 48;
      if (digit < 0 || digit > 9) break;
      value = value * 10 + digit;
    }
    return at === from ? null : value;
  }

  /** Reads the file into the buffer; its length, or null when it cannot be read (no such
   * controller, cgroup removed). */
  private read(file: string): number | null {
    let fd = this.open.get(file);
    if (fd !== undefined) this.open.delete(file);
    else {
      try {
        fd = fs.openSync(file, 'r');
      } catch {
        return null;
      }
    }
    try {
      const length = fs.readSync(fd, this.buffer, 0, this.buffer.length - 1, 0);
      this.keep(file, fd);
      // A stale byte after the end would read as part of the last value.
      this.buffer[length] = 10;
      return length;
    } catch {
      fs.closeSync(fd);
      return null;
    }
  }

  /** Closes a file (of a cgroup about to be removed). */
  close(file: string): void {
    const fd = this.open.get(file);
    if (fd === undefined) return;
    fs.closeSync(fd);
    this.open.delete(file);
  }

  private keep(file: string, fd: number): void {
    this.open.set(file, fd);
    if (this.open.size <= this.maxOpen) return;
    const [oldest, oldestFd] = this.open.entries().next().value as [string, number];
    fs.closeSync(oldestFd);
    this.open.delete(oldest);
  }
}
