// One log file's writer. Every write is synchronous and complete when `write` returns: the daemon
// holds no queue of lines read but not written, so a SIGKILL loses at most the block in hand, and a
// fast app is slowed by its pipe filling while the daemon writes. Rotation is checked before each
// write, and a failing file falls back without losing or tearing a line.
import fs from 'node:fs';
import { type DestinationDeps, LogDestination, type LogLabel } from './log-destination.js';
import { type RotationPolicy, rotateFile } from './rotate-file.js';

export interface LogFileOptions extends RotationPolicy {
  /** Rotate before a write would take the file past this (0: never). */
  maxSizeBytes: number;
}

export interface LogFileDeps extends DestinationDeps {
  now: () => number;
  /** How often a file on a fallback is tried again. */
  retryMs: number;
}

/** Whoever writes a block: a line left open belongs to its writer, and only it may continue it. */
export type Writer = object;

const NOTHING = Buffer.alloc(0);
const NEWLINE = Buffer.from('\n');
/** The owner of a line found unfinished when the file was opened: no writer continues it. */
const NOBODY: Writer = {};

// Several streams may share one writer (log-file-registry.ts); lines stay whole because a line left
// open by one is ended before another writes.
export class LogFile {
  /** Streams writing here: several with `merge` or a shared `out_file`. */
  writers = 0;
  /** Of those, the ones whose pipes are awake (output-stream.ts): with none, the file is kept closed
   * between writes, so quiet instances hold no descriptor. */
  private awakeWriters = 0;
  private readonly destination: LogDestination;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Who wrote the unfinished line at the end of the file, if there is one. */
  private openLineOwner: Writer | null = null;
  /** The bytes of that unfinished line (a copy): moved whole when the lines go to another file. */
  private tail: Buffer = NOTHING;

  constructor(
    readonly path: string,
    private readonly options: LogFileOptions,
    private readonly deps: LogFileDeps,
    label: LogLabel,
  ) {
    this.destination = new LogDestination(path, deps, label);
  }

  /** The fallback file the lines go to now, if they go to one. */
  get fallbackFile(): string | null {
    return this.destination.isPrimary ? null : this.destination.currentFile;
  }

  get isOnFallback(): boolean {
    return !this.destination.isPrimary;
  }

  /** The file ended inside a line when it was opened: a daemon died while writing it. */
  get openedInsideLine(): boolean {
    return this.openLineOwner === NOBODY;
  }

  open(): void {
    this.destination.open();
    if (this.destination.isPrimary && this.destination.openedInsideLine) this.openLineOwner = NOBODY;
    this.settle();
  }

  /** A writer's pipe woke: its app writes, so the file stays open between its writes. */
  wake(): void {
    this.awakeWriters += 1;
  }

  /** A writer's pipe went to sleep. */
  rest(): void {
    this.awakeWriters -= 1;
    this.settle();
  }

  /** Closes the descriptor while no writer is awake; the next write opens the file again. */
  private settle(): void {
    if (this.awakeWriters === 0) this.destination.park();
  }

  /** Whether the file ends inside a line that `writer` began: its next block goes on with it. */
  continues(writer: Writer): boolean {
    return this.openLineOwner === writer;
  }

  /**
   * Writes `bytes` now. They may end inside a line, which `writer` finishes with a later block or
   * ends with `endLine`; a line left open by another writer is ended first, so lines never mix.
   */
  write(bytes: Buffer, writer: Writer): void {
    if (bytes.length === 0) return;
    if (this.openLineOwner !== null && this.openLineOwner !== writer) this.put(NEWLINE);
    this.put(bytes);
    this.openLineOwner = bytes[bytes.length - 1] === 10 ? null : writer;
    this.settle();
  }

  /** Ends the line `writer` left open, if it is still the last one in the file. */
  endLine(writer: Writer): void {
    if (this.openLineOwner !== writer) return;
    this.put(NEWLINE);
    this.openLineOwner = null;
    this.settle();
  }

  /** `pm flush`: empties the current file. */
  truncate(): void {
    this.destination.truncate();
    this.settle();
    if (!this.destination.isPrimary) return;
    // The unfinished line went with the rest: its next bytes start a line of their own.
    this.tail = NOTHING;
    this.openLineOwner = null;
  }

  /** Ends a line left open, then closes. */
  close(): void {
    if (this.openLineOwner !== null) this.put(NEWLINE);
    this.openLineOwner = null;
    if (this.retryTimer) clearInterval(this.retryTimer);
    this.destination.close();
  }

  /**
   * Writes `data`, rotating first when it would take the file past its size limit: a block bigger
   * than the room left is split at a line boundary, and a line that was begun in the full file is
   * moved whole into the next one.
   */
  private put(data: Buffer): void {
    const { maxSizeBytes } = this.options;
    let rest = data;
    // A fallback file rotates like the file itself: a long failure must not fill the fallback's disk.
    while (maxSizeBytes > 0 && this.destination.currentFile !== null) {
      const room = maxSizeBytes - this.destination.sizeBytes;
      if (rest.length <= room) break;
      const cut = room > 0 ? rest.lastIndexOf(10, room - 1) + 1 : 0;
      if (cut > 0) {
        this.writeOut(rest.subarray(0, cut));
        rest = rest.subarray(cut);
      } else if (this.destination.sizeBytes > this.tail.length) {
        const moved = this.rotate();
        if (moved === null) break; // cannot move it aside: keep writing; the next write tries again
        if (moved.length > 0) rest = Buffer.concat([moved, rest]);
      } else {
        // The file holds nothing but this line, which is longer than the limit: the one exception.
        const end = rest.indexOf(10) + 1 || rest.length;
        this.writeOut(rest.subarray(0, end));
        rest = rest.subarray(end);
      }
    }
    if (rest.length > 0) this.writeOut(rest);
  }

  /** Writes all of `data` somewhere: the file, else a fallback, with an unfinished line moved whole. */
  private writeOut(data: Buffer): void {
    let rest = data;
    while (rest.length > 0) {
      let written: number;
      try {
        const generation = this.destination.generation;
        const fd = this.fdForWrite();
        // The file was recreated, or gave way to a fallback, before this write: the line begun in
        // the old one starts again in the new one.
        if (this.destination.generation !== generation) rest = this.withTail(rest, true);
        written = fs.writeSync(fd, rest);
      } catch (error) {
        // The rest of the unfinished line cannot follow: take its start back, so the fallback gets it whole.
        rest = this.withTail(rest, this.tail.length > 0 && this.destination.cutBack(this.tail.length));
        if (this.destination.fail(error)) continue;
        return; // nowhere left, not even stderr: drop the lines rather than block the app
      }
      this.destination.wrote(written);
      this.keepTail(rest.subarray(0, written));
      rest = rest.subarray(written);
    }
  }

  /** `rest` after the unfinished line's start when `moved`; the start is forgotten either way. */
  private withTail(rest: Buffer, moved: boolean): Buffer {
    const tail = this.tail;
    this.tail = NOTHING;
    return moved && tail.length > 0 ? Buffer.concat([tail, rest]) : rest;
  }

  /** Remembers the file's unfinished last line after `written` (a copy: the caller reuses its buffers). */
  private keepTail(written: Buffer): void {
    const newline = written.lastIndexOf(10);
    if (newline === -1) this.tail = Buffer.concat([this.tail, written]);
    else this.tail = newline + 1 === written.length ? NOTHING : Buffer.from(written.subarray(newline + 1));
  }

  /**
   * Moves the current file aside and opens a new one; returns the unfinished line taken out of the
   * old file, to start the new one, or null when the file could not be moved.
   */
  private rotate(): Buffer | null {
    const current = this.destination.currentFile;
    if (current === null) return null;
    const tail = this.tail;
    const taken = tail.length > 0 && this.destination.cutBack(tail.length);
    try {
      rotateFile(current, this.options, this.deps.now());
    } catch {
      return taken ? this.putBack(tail) : null;
    }
    this.tail = NOTHING;
    this.destination.reopen();
    return taken ? tail : NOTHING;
  }

  /** A rotation failed after the unfinished line was taken out: it goes back where it was. */
  private putBack(tail: Buffer): null {
    this.tail = NOTHING;
    this.writeOut(tail);
    return null;
  }

  /** The descriptor for the next write; on a fallback, the file is tried again periodically. */
  private fdForWrite(): number {
    const fd = this.destination.fdForWrite();
    this.watchFallback();
    return fd;
  }

  private watchFallback(): void {
    if (this.destination.isPrimary || this.retryTimer) return;
    this.retryTimer = setInterval(() => this.restore(), this.deps.retryMs);
    this.retryTimer.unref();
  }

  private restore(): void {
    // A line still open on the fallback is finished there first (within a moment: see output-stream.ts).
    if (this.tail.length > 0 || !this.destination.tryRestore()) return;
    if (this.retryTimer) clearInterval(this.retryTimer);
    this.retryTimer = null;
    if (this.destination.openedInsideLine) this.openLineOwner = NOBODY;
    this.settle();
  }
}
