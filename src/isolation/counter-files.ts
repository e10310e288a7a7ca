// The counter files of the instance cgroups (cpu.stat, the memory charge), read at every monitor
// sample: kept open and read again in place (pread), which costs a third of open, read and close.
// At most `maxOpen` stay open (two per instance: 2048 instances), and at most a tenth of the
// daemon's open-file limit (own-fd-limit.ts); past that, a file is opened for
// each read, as is one read seldom (memory.stat); a file that cannot be read is closed.
import fs from 'node:fs';
import { keptFilesWithin } from '../proc/own-fd-limit.js';

export class CounterFiles {
  private readonly buffer = Buffer.alloc(8192);
  /** path → fd of the files kept open. */
  private readonly open = new Map<string, number>();

  constructor(private readonly maxOpen = 4096) {}

  /** The values of `key value` lines (cpu.stat, memory.stat), in the order of `keys`; null for a
   * key not found, all null when the file cannot be read. Parsed in place: a sample of 1000
   * instances makes no strings. */
  fields(file: string, keys: readonly string[], keep = true): Array<number | null> {
    const length = this.read(file, keep);
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
  private read(file: string, keep = true): number | null {
    let fd = this.open.get(file);
    const kept = fd !== undefined;
    if (fd === undefined) {
      try {
        fd = fs.openSync(file, 'r');
      } catch {
        return null;
      }
    }
    try {
      const length = fs.readSync(fd, this.buffer, 0, this.buffer.length - 1, 0);
      if (!kept) {
        if (keep && this.open.size < keptFilesWithin(this.maxOpen)) this.open.set(file, fd);
        else fs.closeSync(fd);
      }
      // A stale byte after the end would read as part of the last value.
      this.buffer[length] = 10;
      return length;
    } catch {
      fs.closeSync(fd);
      this.open.delete(file);
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
}
