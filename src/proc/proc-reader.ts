// Reads /proc for the sampler, as cheaply as it can: the processes of the trees are read at every
// tick, so their stat files stay open and are read again in place (pread, a third of the cost of
// open/read/close); a file not read during a tick is closed at its end (at most MAX_OPEN stay
// open). The pid list is read again at most every LIST_EVERY ticks, and only when a pid was
// allocated since it was last read: a new grandchild is counted within two seconds.
import fs from 'node:fs';
import { keptFilesWithin } from './own-fd-limit.js';
import { type ProcEntry, parseStat } from './proc-table.js';

// 1000 instances fit: re-reading a kept file costs a third of opening it, and the monitor reads every
// tree each second (an open file is one descriptor of the daemon's limit: see own-fd-limit.ts).
const MAX_OPEN = 2048;
const LIST_EVERY = 2;

export class ProcReader {
  private readonly buffer = Buffer.alloc(4096);
  /** pid → open fd, and the tick in which it was last read. */
  private readonly open = new Map<number, { fd: number; tick: number }>();
  private tick = 0;
  private pidList: number[] = [];
  private lastPid = -1;
  private listedAt = Number.NEGATIVE_INFINITY;

  /** Every pid in /proc; `changed` is false when the list was not read again (see above). */
  pids(force: boolean): { pids: number[]; changed: boolean } {
    const unchanged = { pids: this.pidList, changed: false };
    if (!force && this.tick - this.listedAt < LIST_EVERY) return unchanged;
    const lastPid = this.readLastPid();
    if (!force && lastPid !== null && lastPid === this.lastPid) return unchanged;
    this.pidList = fs.readdirSync('/proc').map(Number).filter(Number.isInteger);
    this.lastPid = lastPid ?? -1;
    this.listedAt = this.tick;
    return { pids: this.pidList, changed: true };
  }

  /** Reads one process; `keepOpen` for one that will be read again next tick. Null when it is gone. */
  read(pid: number, keepOpen: boolean): ProcEntry | null {
    const kept = this.open.get(pid);
    if (kept) {
      kept.tick = this.tick;
      const entry = this.readFd(pid, kept.fd);
      if (!entry) this.drop(pid);
      return entry;
    }
    let fd: number;
    try {
      fd = fs.openSync(`/proc/${pid}/stat`, 'r');
    } catch {
      return null;
    }
    const entry = this.readFd(pid, fd);
    if (entry && keepOpen && this.open.size < keptFilesWithin(MAX_OPEN))
      this.open.set(pid, { fd, tick: this.tick });
    else fs.closeSync(fd);
    return entry;
  }

  /** Ends a tick: closes the files that were not read during it. */
  endTick(): void {
    for (const [pid, kept] of this.open) if (kept.tick !== this.tick) this.drop(pid);
    this.tick += 1;
  }

  /** The last pid the kernel allocated (the last field of /proc/loadavg): unchanged, no process is new. */
  private readLastPid(): number | null {
    try {
      const text = fs.readFileSync('/proc/loadavg', 'latin1');
      return Number(text.slice(text.lastIndexOf(' ') + 1)) || null;
    } catch {
      return null;
    }
  }

  private readFd(pid: number, fd: number): ProcEntry | null {
    try {
      const length = fs.readSync(fd, this.buffer, 0, this.buffer.length, 0);
      return parseStat(pid, this.buffer.toString('latin1', 0, length));
    } catch {
      // ESRCH: the process is gone (its pid may already belong to another one).
      return null;
    }
  }

  private drop(pid: number): void {
    const kept = this.open.get(pid);
    if (!kept) return;
    fs.closeSync(kept.fd);
    this.open.delete(pid);
  }
}
