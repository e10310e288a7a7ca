// One stream of one instance: drains its named pipe, cuts whole lines, formats them into its log
// file and publishes them live. While the file's writer is behind, the pipe reader pauses, so
// the app blocks on its pipe instead of the daemon buffering without bound.
import fs from 'node:fs';
import net from 'node:net';
import type { FormatLines, LineOrigin } from './line-format.js';
import { LineSplitter } from './line-splitter.js';
import type { LogFile } from './log-file.js';
import type { LogHub } from './log-hub.js';

/** Where a stream's lines go. */
export interface StreamSink {
  file: LogFile;
  format: FormatLines;
  /** Whether live lines carry their time (the file keeps one). */
  timestamped: boolean;
}

export interface OutputStreamDeps {
  hub: LogHub;
  now: () => number;
  /** A line without its newline is written anyway after this long. */
  partialFlushMs: number;
}

/** Reads take at most this much: a pipe holds 64 KiB by default. */
const READ_BUFFER_BYTES = 64 * 1024;
// One read buffer for every stream: each read is consumed (and what is kept, copied) before the
// event loop can start another, so 1,000 instances do not hold 2,000 buffers.
const READ_BUFFER = Buffer.allocUnsafe(READ_BUFFER_BYTES);
/**
 * After a read smaller than this, the reader rests COALESCE_MS so the next read takes a batch: an
 * app writing one line per syscall would otherwise wake the daemon once per line. A bigger read
 * means the pipe was filling (the daemon is late, e.g. on a busy machine): read on at once then,
 * so the app does not block on a full pipe.
 */
const COALESCE_BELOW_BYTES = 16 * 1024;
const COALESCE_MS = 1;

// Reads with a user buffer, so pausing stops reading the pipe at once.
export class OutputStream {
  private reader: net.Socket | null = null;
  private readonly splitter = new LineSplitter();
  private partialTimer: NodeJS.Timeout | null = null;
  private partialSinceMs = 0;
  private coalescing = false;
  /** Reasons the reader is paused (a batch forming, the file writer behind); it reads at 0. */
  private holds = 0;

  constructor(
    readonly origin: LineOrigin,
    private readonly pipePath: string,
    public sink: StreamSink,
    private readonly deps: OutputStreamDeps,
  ) {}

  open(): void {
    // Read-write, so the reader never sees EOF between two runs of the instance.
    const fd = fs.openSync(this.pipePath, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
    // A user buffer: pause() stops reading the pipe at once, and nothing is buffered behind our back.
    // (Node reads `onread` in the Socket constructor too; its types declare it for connect() only.)
    const options: net.SocketConstructorOpts & net.ConnectOpts = {
      fd,
      readable: true,
      writable: false,
      onread: { buffer: READ_BUFFER, callback: this.onRead },
    };
    const reader = new net.Socket(options);
    reader.on('error', () => {});
    this.reader = reader;
  }

  /** Writes the lines still in the pipe and the splitter, then stops reading. */
  close(): void {
    if (this.partialTimer) clearTimeout(this.partialTimer);
    this.partialTimer = null;
    this.reader?.destroy();
    this.reader = null;
    for (const chunk of readPipeNow(this.pipePath)) this.onChunk(chunk);
    const rest = this.splitter.takePartial();
    if (rest) this.emit(rest, this.deps.now());
    if (this.partialTimer) clearTimeout(this.partialTimer);
  }

  private readonly onRead = (bytes: number, buffer: Uint8Array): boolean => {
    // A view, not a copy: the splitter copies the tail it keeps, the file writer the blocks it queues.
    this.onChunk(Buffer.from(buffer.buffer, buffer.byteOffset, bytes));
    if (bytes < COALESCE_BELOW_BYTES && !this.coalescing && this.reader !== null) {
      this.coalescing = true;
      this.hold();
      setTimeout(this.endCoalescing, COALESCE_MS);
    }
    return true;
  };

  private readonly endCoalescing = (): void => {
    this.coalescing = false;
    this.release();
  };

  private hold(): void {
    if (this.holds++ === 0) this.reader?.pause();
  }

  private release(): void {
    if (--this.holds === 0) this.reader?.resume();
  }

  private onChunk(chunk: Buffer): void {
    const nowMs = this.deps.now();
    const hadPartial = this.splitter.hasPartial;
    const lines = this.splitter.push(chunk);
    if (lines) this.emit(lines, nowMs);
    if (!this.splitter.hasPartial) return;
    if (lines || !hadPartial) this.partialSinceMs = nowMs;
    this.partialTimer ??= setTimeout(this.onPartialTimeout, this.deps.partialFlushMs);
  }

  private readonly onPartialTimeout = (): void => {
    this.partialTimer = null;
    if (!this.splitter.hasPartial || this.reader === null) return;
    const nowMs = this.deps.now();
    const waitMs = this.partialSinceMs + this.deps.partialFlushMs - nowMs;
    if (waitMs > 0) {
      this.partialTimer = setTimeout(this.onPartialTimeout, waitMs);
      return;
    }
    this.emit(this.splitter.takePartial()!, nowMs);
  };

  private emit(lines: Buffer, nowMs: number): void {
    const { file, format, timestamped } = this.sink;
    this.deps.hub.publish(this.origin, timestamped ? nowMs : null, lines);
    if (file.write(format(lines, nowMs)) || this.reader === null) return;
    this.hold();
    file.once('drain', () => this.release());
  }
}

// What the app wrote after the reader stopped: read it now, without waiting. Each chunk is a view
// of the shared read buffer, valid until the caller asks for the next.
function* readPipeNow(pipePath: string): Generator<Buffer> {
  let fd: number;
  try {
    fd = fs.openSync(pipePath, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch {
    return;
  }
  try {
    for (;;) {
      const bytes = fs.readSync(fd, READ_BUFFER);
      if (bytes <= 0) break;
      yield READ_BUFFER.subarray(0, bytes);
    }
  } catch {
    // EAGAIN: the pipe is empty.
  } finally {
    fs.closeSync(fd);
  }
}
