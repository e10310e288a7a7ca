// One log file's writer: a block that finds the file idle is written at once; otherwise blocks
// queue up and go out in batches (one writev per batch, on the thread pool). Rotation is checked
// before each write, and a failing file falls back without losing or tearing a line. `write` returns false above a high-water mark: the caller pauses
// its reader, so memory stays bounded and a fast app waits on its pipe instead.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { type DestinationDeps, LogDestination } from './log-destination.js';
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

/** Queued plus in-flight bytes above which `write` asks the caller to wait for `drain`. */
export const HIGH_WATER_BYTES = 1024 * 1024;
const MAX_BATCH_BUFFERS = 512;
/** A pipe's capacity: what one read of an app's output brings at most. */
const SYNC_WRITE_MAX_BYTES = 64 * 1024;

const NOTHING = Buffer.alloc(0);

function writev(fd: number, buffers: Buffer[]): Promise<number> {
  return new Promise((resolve, reject) =>
    fs.writev(fd, buffers, (error, bytes) => (error ? reject(error) : resolve(bytes))),
  );
}

// Emits `drain` like a stream, so a paused reader knows when to read on.
export class LogFile extends EventEmitter<{ drain: [] }> {
  private readonly destination: LogDestination;
  private queue: Buffer[] = [];
  private pendingBytes = 0;
  private writing = false;
  private needDrain = false;
  private restoreDue = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private onIdle: (() => void) | null = null;
  /** The start of a line cut short at the end of the file by a short write. */
  private tornLine: Buffer = NOTHING;

  constructor(
    readonly path: string,
    private readonly options: LogFileOptions,
    private readonly deps: LogFileDeps,
  ) {
    super();
    this.setMaxListeners(0);
    this.destination = new LogDestination(path, deps);
  }

  get isOnFallback(): boolean {
    return !this.destination.isPrimary;
  }

  open(): void {
    this.destination.open();
  }

  /**
   * Writes whole lines now, or queues a copy (the caller may reuse `lines` once this returns); false
   * when the caller should wait for `drain` before writing more.
   */
  write(lines: Buffer): boolean {
    if (this.writeNow(lines)) return true;
    this.queue.push(Buffer.from(lines));
    this.pendingBytes += lines.length;
    if (!this.writing) void this.pump();
    if (this.pendingBytes < HIGH_WATER_BYTES) return true;
    this.needDrain = true;
    return false;
  }

  /** `pm flush`: empties the current file. */
  truncate(): void {
    this.destination.truncate();
  }

  /** Writes what is queued, then closes. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        if (this.retryTimer) clearInterval(this.retryTimer);
        this.destination.close();
        resolve();
      };
      if (this.writing) this.onIdle = finish;
      else finish();
    });
  }

  /**
   * When the file is idle, on its own path and not due to rotate, up to a pipe's worth of lines go out
   * at once: lines the daemon has read are then lost to a SIGKILL only in the microseconds between the
   * pipe read and this write, not for a round trip through the thread pool. The rest takes the queue.
   */
  private writeNow(lines: Buffer): boolean {
    const { maxSizeBytes } = this.options;
    if (this.writing || this.queue.length > 0 || this.restoreDue || !this.destination.isPrimary) return false;
    if (lines.length > SYNC_WRITE_MAX_BYTES) return false;
    if (maxSizeBytes > 0 && this.destination.sizeBytes + lines.length > maxSizeBytes) return false;
    let written: number;
    try {
      written = fs.writeSync(this.fdForWrite(), lines);
    } catch {
      return false; // the queue's path handles failures and fallbacks
    }
    const rest = this.afterWrite([lines], lines.length, written);
    if (rest.length === 0) return true;
    this.queue.push(Buffer.from(rest));
    this.pendingBytes += rest.length;
    void this.pump();
    return true;
  }

  private async pump(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      if (this.restoreDue) this.restore();
      const batch = this.takeBatch();
      await this.writeBatch(batch);
    }
    this.writing = false;
    const onIdle = this.onIdle;
    this.onIdle = null;
    onIdle?.();
  }

  private takeBatch(): { buffers: Buffer[]; bytes: number } {
    const { maxSizeBytes } = this.options;
    let room = Number.POSITIVE_INFINITY;
    // A fallback file rotates like the file itself: a long failure must not fill the fallback's disk.
    if (maxSizeBytes > 0 && this.destination.currentFile !== null) {
      room = maxSizeBytes - this.destination.sizeBytes;
      if (this.queue[0]!.length > room && this.destination.sizeBytes > 0) {
        this.rotate();
        room = maxSizeBytes - this.destination.sizeBytes;
      }
    }
    const buffers: Buffer[] = [];
    let bytes = 0;
    while (this.queue.length > 0 && buffers.length < MAX_BATCH_BUFFERS) {
      const next = this.queue[0]!;
      if (bytes + next.length > room) {
        // A block bigger than what fits in a whole file: the lines that fit now, the rest after rotating.
        const cut = buffers.length === 0 && room > 0 ? next.lastIndexOf(10, room - 1) + 1 : 0;
        if (cut > 0) {
          buffers.push(next.subarray(0, cut));
          this.queue[0] = next.subarray(cut);
          bytes += cut;
        } else if (buffers.length === 0) {
          buffers.push(this.queue.shift()!); // one line longer than the size limit
          bytes += next.length;
        }
        break;
      }
      buffers.push(this.queue.shift()!);
      bytes += next.length;
    }
    return { buffers, bytes };
  }

  /** Writes the whole batch somewhere: the file, else a fallback; a torn last line is moved whole. */
  private async writeBatch(batch: { buffers: Buffer[]; bytes: number }): Promise<void> {
    let { buffers, bytes } = batch;
    while (bytes > 0) {
      let written: number;
      try {
        written = await writev(this.fdForWrite(), buffers);
      } catch (error) {
        // The rest of a torn line cannot follow: take its start back, so the fallback gets it whole.
        const torn = this.tornLine;
        this.tornLine = NOTHING;
        if (torn.length > 0 && this.destination.cutBack(torn.length)) {
          buffers = [torn, ...buffers];
          bytes += torn.length;
        }
        if (this.destination.fail(error)) continue;
        break; // nowhere left, not even stderr: drop the lines rather than block the app
      }
      const rest = this.afterWrite(buffers, bytes, written);
      if (rest.length === 0) break;
      buffers = [rest];
      bytes = rest.length;
    }
    this.pendingBytes -= batch.bytes;
    if (this.needDrain && this.pendingBytes < HIGH_WATER_BYTES) {
      this.needDrain = false;
      this.emit('drain');
    }
  }

  /**
   * Counts what a write took and returns what it left (a short write: the disk is full). A line cut
   * short is remembered, to be taken back from the file if its rest fails too.
   */
  private afterWrite(buffers: Buffer[], bytes: number, written: number): Buffer {
    this.destination.wrote(written);
    if (written === bytes) {
      this.tornLine = NOTHING;
      return NOTHING;
    }
    const data = buffers.length === 1 ? buffers[0]! : Buffer.concat(buffers);
    const cut = written > 0 ? data.lastIndexOf(10, written - 1) + 1 : 0;
    // A copy: the torn start outlives this batch, whose buffer may be reused for the next read.
    const start = Buffer.from(data.subarray(cut, written));
    this.tornLine = cut > 0 ? start : Buffer.concat([this.tornLine, start]);
    return data.subarray(written);
  }

  private rotate(): void {
    const current = this.destination.currentFile;
    if (current === null) return;
    try {
      rotateFile(current, this.options, this.deps.now());
    } catch {
      // Cannot move it aside (directory gone, permissions): keep writing; the next write checks again.
      return;
    }
    this.destination.reopen();
  }

  /** The descriptor for the next write; on a fallback, the file is tried again periodically. */
  private fdForWrite(): number {
    const fd = this.destination.fdForWrite();
    this.watchFallback();
    return fd;
  }

  private watchFallback(): void {
    if (this.destination.isPrimary || this.retryTimer) return;
    this.retryTimer = setInterval(() => {
      if (this.writing) this.restoreDue = true;
      else this.restore();
    }, this.deps.retryMs);
    this.retryTimer.unref();
  }

  private restore(): void {
    this.restoreDue = false;
    if (!this.destination.tryRestore()) return;
    if (this.retryTimer) clearInterval(this.retryTimer);
    this.retryTimer = null;
  }
}
