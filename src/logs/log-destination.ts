// Where a log file's bytes go: the file itself while it can be written, else the first rung of
// the fallback ladder that opens (pm's fallback directory, the system temp directory, last the
// daemon's stderr), and back to the file once it works again. Every switch is an event.
import fs from 'node:fs';
import path from 'node:path';
import type { EventSink } from '../protocol/events.js';
import { endsInsideLine } from './file-end.js';

export interface DestinationDeps {
  events: EventSink;
  /** Fallback directories, tried in order when the file cannot be written; stderr comes after them. */
  fallbackDirs: Array<{ path(): string }>;
  /** pm's home: a file pm opens there never follows a link (one planted there would redirect an
   * app's output); a file the user chose elsewhere may be a link on purpose. */
  home: string;
}

/** Whose lines these are, for the events. */
export type LogLabel = { app: string; index?: number };

const STDERR_FD = 2;

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException)?.code ?? (error as Error)?.message ?? String(error);
}

const { O_WRONLY, O_APPEND, O_CREAT, O_NOFOLLOW } = fs.constants;

function openAppend(file: string, followLinks: boolean): number {
  return fs.openSync(file, O_WRONLY | O_APPEND | O_CREAT | (followLinks ? 0 : O_NOFOLLOW), 0o600);
}

// Knows where bytes go; the writer (log-file.ts) knows when.
export class LogDestination {
  /** The descriptor writes go to now. */
  fd = -1;
  /** Bytes in the file behind `fd` (unknown for stderr). */
  sizeBytes = 0;
  /** Counts the files opened: a change means that writes now go to another file. */
  generation = 0;
  /** The log file, when last opened, ended inside a line (cut short by a crash or a failing disk). */
  openedInsideLine = false;
  /** 0: the file itself; 1..n: fallbackDirs; n + 1: stderr. */
  private rung = 0;
  /** The fallback file in use, for the events. */
  private fallbackPath = '';
  private inode = -1;

  constructor(
    readonly path: string,
    // Shared by every destination: a copy per file with its label in it cost 0.4 KB per file.
    private readonly deps: DestinationDeps,
    private readonly label: LogLabel,
  ) {}

  private get followLinks(): boolean {
    return !this.path.startsWith(`${this.deps.home}${path.sep}`);
  }

  get isPrimary(): boolean {
    return this.rung === 0;
  }

  /** The file behind `fd`, the one that rotates: the log file or a fallback file; null for stderr. */
  get currentFile(): string | null {
    if (this.rung === 0) return this.path;
    return this.fd === STDERR_FD ? null : this.fallbackPath;
  }

  /** Opens the file, creating its directory; when that fails, writes start on a fallback. */
  open(): void {
    try {
      fs.mkdirSync(path.dirname(this.path), { recursive: true, mode: 0o700 });
      this.openPrimary();
    } catch (error) {
      this.fail(error);
    }
  }

  /** The descriptor for the next write. Notices a file removed or replaced under the daemon. */
  fdForWrite(): number {
    if (this.rung !== 0) return this.fd;
    if (this.isParked) {
      try {
        this.unpark();
        return this.fd;
      } catch {
        // removed or replaced while closed: a new file, as below
      }
    }
    if (this.isParked || fs.statSync(this.path, { throwIfNoEntry: false })?.ino !== this.inode) {
      try {
        // Removed by hand or by logrotate: a new file in the same directory. A removed directory
        // is a failure until the periodic check recreates it (lines written meanwhile go to a fallback).
        this.closeCurrent();
        this.openPrimary();
      } catch (error) {
        this.fail(error);
      }
    }
    return this.fd;
  }

  wrote(bytes: number): void {
    this.sizeBytes += bytes;
  }

  /** Writing to `fd` failed: go one rung down. False when no rung is left and the bytes are lost. */
  fail(error: unknown): boolean {
    const cause = errorCode(error);
    this.closeCurrent();
    for (let rung = this.rung + 1; rung <= this.deps.fallbackDirs.length + 1; rung++) {
      if (this.openRung(rung)) {
        this.rung = rung;
        this.deps.events.record({
          type: 'log-fallback',
          severity: 'alert',
          ...this.label,
          message: `cannot write ${this.path} (${cause}): its lines go to ${this.fallbackPath} until it works again`,
          data: { file: this.path, fallback: this.fallbackPath, cause },
        });
        return true;
      }
    }
    return false;
  }

  /** On a fallback: back to the file if it opens and its disk has room. */
  tryRestore(): boolean {
    if (this.rung === 0) return true;
    let fd: number;
    try {
      fs.mkdirSync(path.dirname(this.path), { recursive: true, mode: 0o700 });
      if (!hasRoom(fs.statfsSync(path.dirname(this.path)))) return false;
      fd = openAppend(this.path, this.followLinks);
    } catch {
      return false;
    }
    const from = this.fallbackPath;
    this.closeCurrent();
    this.adoptPrimary(fd);
    this.deps.events.record({
      type: 'log-restored',
      severity: 'info',
      ...this.label,
      message: `${this.path} is writable again (lines of the failure are in ${from})`,
      data: { file: this.path, fallback: from },
    });
    return true;
  }

  /** After a rotation moved the current file aside: a fresh file at the same path. */
  reopen(): void {
    this.closeCurrent();
    if (this.rung !== 0) {
      if (!this.openRung(this.rung)) this.fail(new Error(`cannot reopen ${this.fallbackPath}`));
      return;
    }
    try {
      this.openPrimary();
    } catch (error) {
      this.fail(error);
    }
  }

  /** Closes the file between writes (no writer's pipe is awake); a fallback file stays open. */
  park(): void {
    if (this.rung === 0) this.closeCurrent();
  }

  /** `pm flush`: empty the file (it need not be the one written now). */
  truncate(): void {
    if (this.rung === 0) {
      // Through a descriptor, opened as the writes open it (never through a link planted in the home).
      if (this.isParked) this.unpark();
      fs.ftruncateSync(this.fd, 0);
      this.sizeBytes = 0;
      return;
    }
    fs.truncateSync(this.path, 0);
  }

  /** Cuts the file behind `fd` back by `bytes` (the start of an unfinished last line); false for stderr. */
  cutBack(bytes: number): boolean {
    if (this.fd === STDERR_FD) return false;
    try {
      if (this.isParked) this.unpark();
      fs.ftruncateSync(this.fd, fs.fstatSync(this.fd).size - bytes);
    } catch {
      return false;
    }
    this.sizeBytes -= bytes;
    return true;
  }

  close(): void {
    this.closeCurrent();
  }

  private get isParked(): boolean {
    return this.rung === 0 && this.fd < 0;
  }

  /** Opens a parked file again, the same file: writes go on where they were. Throws when it cannot
   * be opened or is another file now (removed or replaced while closed). A file removed while
   * closed frees its inode, which a new one may get at once: shorter than what was written, it is
   * not the same file. */
  private unpark(): void {
    const fd = openAppend(this.path, this.followLinks);
    const stat = fs.fstatSync(fd);
    if (stat.ino !== this.inode || stat.size < this.sizeBytes) {
      fs.closeSync(fd);
      throw new Error(`${this.path} was replaced`);
    }
    this.fd = fd;
    this.sizeBytes = stat.size;
  }

  private openPrimary(): void {
    this.adoptPrimary(openAppend(this.path, this.followLinks));
  }

  private adoptPrimary(fd: number): void {
    const stat = fs.fstatSync(fd);
    this.fd = fd;
    this.generation++;
    this.inode = stat.ino;
    this.sizeBytes = stat.size;
    this.openedInsideLine = stat.size > 0 && endsInsideLine(this.path);
    this.rung = 0;
    this.fallbackPath = '';
  }

  private openRung(rung: number): boolean {
    const dir = this.deps.fallbackDirs[rung - 1];
    if (dir === undefined) {
      this.fd = STDERR_FD;
      this.generation++;
      this.fallbackPath = 'the daemon stderr';
      return true;
    }
    try {
      const file = path.join(dir.path(), path.basename(this.path));
      this.fd = openAppend(file, false);
      this.generation++;
      this.sizeBytes = fs.fstatSync(this.fd).size;
      this.fallbackPath = file;
      return true;
    } catch {
      return false;
    }
  }

  private closeCurrent(): void {
    if (this.fd >= 0 && this.fd !== STDERR_FD) {
      try {
        fs.closeSync(this.fd);
      } catch {
        // already unusable
      }
    }
    this.fd = -1;
  }
}

// Come back only with room to spare: a disk with a block or two free would take a line and fail
// again, scattering lines between the file and the fallback.
function hasRoom(stats: fs.StatsFs): boolean {
  const freeBytes = stats.bavail * stats.bsize;
  return freeBytes >= Math.min(1024 * 1024, (stats.blocks * stats.bsize) / 4);
}
