// Each instance writes stdout/stderr into a named pipe that the daemon drains into its log files.
// The child holds its pipe open read-write, so while no daemon reads (a crash, `pm update`) its
// writes block instead of failing with EPIPE, and the next daemon reopens the pipe and loses nothing.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import type { Writable } from 'node:stream';

export type StreamName = 'out' | 'err';

export interface OutputPaths {
  pipe: Record<StreamName, string>;
  log: Record<StreamName, string>;
}

export type SinkFactory = (stream: StreamName, logPath: string) => Writable;

const appendToFile: SinkFactory = (_stream, logPath) => fs.createWriteStream(logPath, { flags: 'a' });

function ensureFifos(paths: string[]): void {
  const missing = paths.filter((p) => {
    try {
      if (fs.statSync(p).isFIFO()) return false;
      fs.unlinkSync(p);
    } catch {
      // absent: create it
    }
    return true;
  });
  // Node has no mkfifo(3); one short-lived mkfifo(1) per instance slot, reused across restarts.
  if (missing.length > 0) execFileSync('mkfifo', ['-m', '600', ...missing]);
}

export class InstanceOutput {
  private readers: net.Socket[] = [];
  private sinks: Writable[] = [];

  constructor(
    readonly paths: OutputPaths,
    private readonly createSink: SinkFactory = appendToFile,
  ) {}

  /** Creates the pipes if needed and starts draining them into the log files. */
  open(): void {
    ensureFifos([this.paths.pipe.out, this.paths.pipe.err]);
    for (const stream of ['out', 'err'] as const) {
      // Read-write, so the reader never sees EOF between two runs of the instance.
      const fd = fs.openSync(this.paths.pipe[stream], fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
      const reader = new net.Socket({ fd, readable: true, writable: false });
      const sink = this.createSink(stream, this.paths.log[stream]);
      sink.on('error', () => {}); // the logging issue adds the fallback; never crash the daemon
      reader.pipe(sink);
      this.readers.push(reader);
      this.sinks.push(sink);
    }
  }

  /** Fresh write ends for a child; the caller closes them once the child is spawned. */
  openChildFds(): { stdoutFd: number; stderrFd: number } {
    return {
      stdoutFd: fs.openSync(this.paths.pipe.out, fs.constants.O_RDWR),
      stderrFd: fs.openSync(this.paths.pipe.err, fs.constants.O_RDWR),
    };
  }

  /** Drains what is left in the pipes, closes the files and removes the pipes. */
  async close(): Promise<void> {
    this.readers.forEach((reader, i) => {
      reader.unpipe();
      reader.destroy();
      drainSync(Object.values(this.paths.pipe)[i]!, this.sinks[i]!);
    });
    await Promise.all(this.sinks.map((sink) => new Promise((resolve) => sink.end(resolve))));
    this.readers = [];
    this.sinks = [];
    for (const pipe of Object.values(this.paths.pipe)) fs.rmSync(pipe, { force: true });
  }
}

// What the writers left in the pipe after the reader stopped: read it now, without waiting.
function drainSync(pipePath: string, sink: Writable): void {
  const fd = fs.openSync(pipePath, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const buffer = Buffer.allocUnsafe(65536);
    for (;;) {
      const bytes = fs.readSync(fd, buffer);
      if (bytes <= 0) break;
      sink.write(Buffer.from(buffer.subarray(0, bytes)));
    }
  } catch {
    // EAGAIN: the pipe is empty.
  } finally {
    fs.closeSync(fd);
  }
}
