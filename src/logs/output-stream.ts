// One stream of one instance: drains its named pipe into its log file and publishes whole lines
// live. Each chunk read is written before the next read, so a daemon SIGKILL loses at most the
// chunk in hand (plus, where lines are held back, the start of one line: see `holdsLines`), and a
// fast app waits on its full pipe while the daemon writes instead of the daemon buffering.
// The pipe is held open only while the app writes (awake-pipes.ts): a quiet one is watched instead.
import fs from 'node:fs';
import net from 'node:net';
import type { AwakePipes, Sleeper } from './awake-pipes.js';
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
  /** The format stores whole lines only (JSON): an unfinished line cannot be written yet. */
  wholeLinesOnly: boolean;
}

export interface OutputStreamDeps {
  hub: LogHub;
  awake: AwakePipes;
  now: () => number;
  /** A line still without its newline this long after its first bytes is ended as it is. */
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
/** A held line is written (and a newline added) at this length: what a SIGKILL can take with it. */
const MAX_HELD_LINE_BYTES = 64 * 1024;
/** An unfinished line written as it comes is ended at this length, so live readers get lines. */
const MAX_OPEN_LINE_BYTES = 1024 * 1024;

/** Read errors end in the exit of the instance's run, which says what happened. */
const ignore = (): void => {};

/** A pipe is watched through inotify, which holds no descriptor per file; elsewhere a watch would
 * hold one (kqueue), so pipes stay open there. */
const PIPES_SLEEP = process.platform === 'linux';
/** Out of descriptors when a pipe wakes: it tries again this much later (its write already woke it). */
const WAKE_RETRY_MS = 100;
/** Reads a drain of a pipe going to sleep (or opening) takes at most: an app that writes on would
 * keep it reading, and the event loop held, for as long as it writes. Past it, the pipe wakes. */
const DRAIN_READS = 4;
/** Reads a drain at a run's end takes at most (1 MiB): what the ended run left, unless some
 * process of its tree writes on. */
const END_DRAIN_READS = 16;
const OUT_OF_DESCRIPTORS = new Set(['EMFILE', 'ENFILE']);

// Reads with a user buffer, so pausing stops reading the pipe at once.
export class OutputStream implements Sleeper {
  /** Set while awake: the pipe's descriptor, read as the app writes. */
  private reader: net.Socket | null = null;
  /** Set while asleep: the pipe's watch, which wakes the stream at the app's next write. */
  private watcher: fs.FSWatcher | null = null;
  /** False once a watch failed (out of inotify watches): the pipe then stays open, outside the budget. */
  private watchable = PIPES_SLEEP;
  private wakeRetry: NodeJS.Timeout | null = null;
  private closed = false;
  /** Cuts whole lines for live readers, and for the file when it holds lines back. */
  private readonly splitter = new LineSplitter();
  private partialTimer: NodeJS.Timeout | null = null;
  private partialSinceMs = 0;
  private coalescing = false;
  /** How the unfinished line is being kept: held back (true) or written as it comes. */
  private holding: boolean;

  constructor(
    readonly origin: LineOrigin,
    private readonly pipePath: string,
    private sink: StreamSink,
    private readonly deps: OutputStreamDeps,
  ) {
    this.holding = this.holdsLines();
  }

  get file(): LogFile {
    return this.sink.file;
  }

  /** Starts asleep (a new app has not written yet), with what the pipe already holds written out. */
  open(): void {
    this.closed = false;
    if (!this.watch()) {
      this.openReader();
      return;
    }
    this.deps.awake.slept(this);
    // Output a daemon before this one left in the pipe: its app may be writing on.
    if (this.drain(DRAIN_READS) > 0) this.wake();
  }

  /** Lets go of the pipe's descriptor and watches it instead; false when it cannot watch. */
  sleep(): boolean {
    if (this.reader === null) return true;
    if (!this.watch()) return false;
    this.reader.destroy();
    this.reader = null;
    this.deps.awake.slept(this);
    // What the app wrote between the last read and the watch would wake nobody: read it now. One
    // that writes on is taken up again in the next turn (not here: this may be another pipe's wake).
    if (this.drain(DRAIN_READS) === DRAIN_READS) setImmediate(this.wake);
    this.sink.file.rest();
    return true;
  }

  /** What the pipe holds now, written out (the run ended: its last lines go before its end). */
  drainNow(): void {
    if (!this.closed) this.drain(END_DRAIN_READS);
  }

  check(): void {
    if (this.reader === null && !this.closed && this.drain(DRAIN_READS) > 0) this.wake();
  }

  private readonly wake = (): void => {
    if (this.closed || this.reader !== null) return;
    try {
      this.openReader();
    } catch (error) {
      // The write that woke the stream waits in the pipe: try again while descriptors are short.
      if (OUT_OF_DESCRIPTORS.has((error as NodeJS.ErrnoException).code ?? '')) this.retryWake();
      return;
    }
    this.watcher?.close();
    this.watcher = null;
    if (this.watchable) this.deps.awake.woke(this);
  };

  private retryWake(): void {
    if (this.wakeRetry !== null) return;
    this.wakeRetry = setTimeout(OutputStream.onWakeRetry, WAKE_RETRY_MS, this);
    this.wakeRetry.unref();
  }

  private static onWakeRetry(stream: OutputStream): void {
    stream.wakeRetry = null;
    stream.wake();
  }

  private watch(): boolean {
    if (!this.watchable) return false;
    try {
      this.watcher = fs.watch(this.pipePath, { persistent: false }, this.wake);
    } catch {
      this.watchable = false; // out of inotify watches: the pipe stays open
      return false;
    }
    // Node has closed the watch: the pipe wakes (or, failing that, the periodic check finds it).
    this.watcher.on('error', this.wake);
    return true;
  }

  private openReader(): void {
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
    reader.on('error', ignore);
    this.reader = reader;
    this.sink.file.wake();
  }

  /** New log settings: the unfinished line ends in the old file, and the next lines go to the new one. */
  setSink(sink: StreamSink): void {
    this.endLine(this.deps.now());
    if (this.reader !== null) {
      this.sink.file.rest();
      sink.file.wake();
    }
    this.sink = sink;
    this.holding = this.holdsLines();
  }

  /** Writes the lines still in the pipe, ends the unfinished one, then stops reading. */
  close(): void {
    this.closed = true;
    const wasAwake = this.reader !== null;
    this.reader?.destroy();
    this.reader = null;
    this.watcher?.close();
    this.watcher = null;
    this.deps.awake.forget(this);
    this.drain();
    this.endLine(this.deps.now());
    if (wasAwake) this.sink.file.rest();
    if (this.partialTimer) clearTimeout(this.partialTimer);
    this.partialTimer = null;
    if (this.wakeRetry) clearTimeout(this.wakeRetry);
    this.wakeRetry = null;
  }

  /** Writes out what waits in the pipe, in at most `maxReads` reads; returns the reads made. */
  private drain(maxReads = Number.POSITIVE_INFINITY): number {
    let reads = 0;
    for (const chunk of readPipeNow(this.pipePath)) {
      this.onChunk(chunk);
      if (++reads === maxReads) break;
    }
    return reads;
  }

  // One of the two closures a stream holds (the reader calls it as a method of itself; the watch
  // calls `wake`); the timers get the stream as their argument instead, which at 2000 streams
  // spares 4000 closures.
  private readonly onRead = (bytes: number, buffer: Uint8Array): boolean => {
    // A view, not a copy: the splitter copies the tail it keeps, and the file is written before this returns.
    this.onChunk(Buffer.from(buffer.buffer, buffer.byteOffset, bytes));
    if (this.watchable) this.deps.awake.read(this);
    if (bytes < COALESCE_BELOW_BYTES && !this.coalescing && this.reader !== null) {
      this.coalescing = true;
      this.reader.pause();
      setTimeout(OutputStream.endCoalescing, COALESCE_MS, this);
    }
    return true;
  };

  private static endCoalescing(stream: OutputStream): void {
    stream.coalescing = false;
    stream.reader?.resume();
  }

  /**
   * An unfinished line is held back in memory when the file is shared (another stream's lines could
   * land inside it) or the format stores whole lines only; otherwise it is written as it comes.
   */
  private holdsLines(): boolean {
    return this.sink.wholeLinesOnly || this.sink.file.writers > 1;
  }

  private onChunk(chunk: Buffer): void {
    const nowMs = this.deps.now();
    const holding = this.holdsLines();
    if (holding !== this.holding) {
      // A writer came or went: the line in progress ends the old way before the new way starts.
      this.endLine(nowMs);
      this.holding = holding;
    }
    const hadPartial = this.splitter.hasPartial;
    const lines = this.splitter.push(chunk);
    if (lines) this.publish(lines, nowMs);
    if (!holding) this.write(chunk, nowMs);
    else if (lines) this.write(lines, nowMs);
    if (!this.splitter.hasPartial) return;
    if (lines || !hadPartial) this.partialSinceMs = nowMs;
    if (this.splitter.partialBytes >= (holding ? MAX_HELD_LINE_BYTES : MAX_OPEN_LINE_BYTES)) {
      this.endLine(nowMs);
      return;
    }
    this.partialTimer ??= setTimeout(OutputStream.onPartialTimeout, this.deps.partialFlushMs, this);
  }

  private static onPartialTimeout(stream: OutputStream): void {
    stream.partialTimer = null;
    if (!stream.splitter.hasPartial || stream.closed) return;
    const nowMs = stream.deps.now();
    const waitMs = stream.partialSinceMs + stream.deps.partialFlushMs - nowMs;
    if (waitMs > 0) {
      stream.partialTimer = setTimeout(OutputStream.onPartialTimeout, waitMs, stream);
      return;
    }
    stream.endLine(nowMs);
  }

  /** The unfinished line ends here: held back, it is written now with a newline; else its newline is. */
  private endLine(nowMs: number): void {
    const partial = this.splitter.takePartial();
    if (partial) this.publish(partial, nowMs);
    if (!this.holding) this.sink.file.endLine(this);
    else if (partial) this.write(partial, nowMs);
  }

  private publish(lines: Buffer, nowMs: number): void {
    this.deps.hub.publish(this.origin, this.sink.timestamped ? nowMs : null, lines);
  }

  private write(bytes: Buffer, nowMs: number): void {
    const { file, format } = this.sink;
    file.write(format(bytes, nowMs, file.continues(this)), this);
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
