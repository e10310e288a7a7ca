// Each instance writes stdout/stderr into a named pipe that the daemon drains into its log files.
// The child holds its pipe open read-write, so while no daemon reads (a crash, `pm update`) its
// writes block instead of failing with EPIPE, and the next daemon reopens the pipe and loses nothing.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual, promisify } from 'node:util';
import type { AppSpec } from '../protocol/app-spec.js';
import { LOG_STREAMS, type LogStream } from '../protocol/log-line.js';
import { createLineFormatter } from './line-format.js';
import type { LogFileRegistry } from './log-file-registry.js';
import { OutputStream, type OutputStreamDeps, type StreamSink } from './output-stream.js';

/** Written after a line that a daemon crash cut short; the lines after it come from the next daemon. */
export const RESTART_MARKER = Buffer.from('[pm] daemon restarted: bytes may be missing here\n');

export interface OutputPaths {
  pipe: Record<LogStream, string>;
  log: Record<LogStream, string>;
}

export interface InstanceOutputDeps extends OutputStreamDeps {
  files: LogFileRegistry;
  /** The log files of an instance under a definition (per instance, merged, or the app's own). */
  logPathsOf: (spec: AppSpec, index: number) => Record<LogStream, string>;
}

/** mkfifo arguments per call: well under the kernel's limit on a command line. */
const FIFOS_PER_CALL = 2_000;

/** Creates the named pipes that are missing; one mkfifo(1) for a whole apply of many instances. */
export function ensureFifos(paths: string[]): void {
  const missing = paths.filter((p) => {
    try {
      if (fs.statSync(p).isFIFO()) return false;
      fs.unlinkSync(p);
    } catch {
      // absent: create it
    }
    return true;
  });
  // Node has no mkfifo(3): a short-lived mkfifo(1), for every missing pipe at once; a pipe is
  // made once per instance slot and reused across restarts.
  for (let i = 0; i < missing.length; i += FIFOS_PER_CALL) {
    execFileSync('mkfifo', ['-m', '600', ...missing.slice(i, i + FIFOS_PER_CALL)]);
  }
}

/** Pipes looked at one by one; more are looked for by a read of their directories. */
const LSTAT_AT_MOST = 64;

/** ensureFifos off the event loop: what is there is read once per directory on the thread pool (an
 * lstat per pipe, 20,000 for a start of 10,000, made as many promises and errors in one turn:
 * 390 ms of the loop), and mkfifo(1) is waited for without blocking (spawnSync of it held the
 * daemon's loop 5-10 ms per call, per app in a config of many). A few pipes (a scale by one, a
 * reload's replacement) are looked at one by one: a directory of 10,000 instances' pipes is
 * 20,000 entries to read for each. */
export async function makeFifos(paths: string[]): Promise<void> {
  const { fifos, others } = paths.length <= LSTAT_AT_MOST ? await lstatEach(paths) : await readDirsOf(paths);
  const missing = paths.filter((p) => !fifos.has(p));
  // Something else where a pipe belongs (a file left by hand): replaced.
  await Promise.all(missing.filter((p) => others.has(p)).map((p) => fs.promises.unlink(p).catch(() => {})));
  for (let i = 0; i < missing.length; i += FIFOS_PER_CALL) {
    await promisify(execFile)('mkfifo', ['-m', '600', ...missing.slice(i, i + FIFOS_PER_CALL)]);
  }
}

interface Found {
  fifos: Set<string>;
  /** Paths that are there and are not pipes. */
  others: Set<string>;
}

async function lstatEach(paths: string[]): Promise<Found> {
  const found: Found = { fifos: new Set(), others: new Set() };
  await Promise.all(
    paths.map(async (p) => {
      const stat = await fs.promises.lstat(p).catch(() => null);
      if (stat) (stat.isFIFO() ? found.fifos : found.others).add(p);
    }),
  );
  return found;
}

async function readDirsOf(paths: string[]): Promise<Found> {
  const found: Found = { fifos: new Set(), others: new Set() };
  for (const dir of new Set(paths.map((p) => path.dirname(p)))) {
    let entries: fs.Dirent[] = [];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      // not there yet: mkfifo says so if it cannot be made
    }
    for (const entry of entries)
      (entry.isFIFO() ? found.fifos : found.others).add(path.join(dir, entry.name));
  }
  return found;
}

// The pipes of one instance slot outlive its runs: created once, reused by every restart.
export class InstanceOutput {
  readonly paths: OutputPaths;
  private streams: OutputStream[] = [];

  constructor(
    private spec: AppSpec,
    readonly index: number,
    pipes: Record<LogStream, string>,
    private readonly deps: InstanceOutputDeps,
  ) {
    this.paths = { pipe: pipes, log: deps.logPathsOf(spec, index) };
  }

  /** Creates the pipes if needed and starts draining them into the log files. */
  open(): void {
    ensureFifos(LOG_STREAMS.map((stream) => this.paths.pipe[stream]));
    // Each stream is kept as soon as it is open, so that close() releases it if the next one fails
    // (out of file descriptors).
    this.streams = [];
    for (const stream of LOG_STREAMS) {
      const origin = { app: this.spec.name, index: this.index, stream };
      const output = new OutputStream(origin, this.paths.pipe[stream], this.createSink(stream), this.deps);
      output.open();
      this.streams.push(output);
    }
  }

  /** A new definition of the app: its lines go where and how the new log settings say. */
  configure(spec: AppSpec): void {
    const before = this.spec;
    this.spec = spec;
    if (isDeepStrictEqual(before.logs, spec.logs)) return;
    this.paths.log = this.deps.logPathsOf(spec, this.index);
    for (const output of this.streams) {
      const old = output.file;
      output.setSink(this.createSink(output.origin.stream));
      this.deps.files.release(old);
    }
  }

  /** Fresh write ends for a child; the caller closes them once the child is spawned. */
  openChildFds(): { stdoutFd: number; stderrFd: number } {
    return {
      stdoutFd: fs.openSync(this.paths.pipe.out, fs.constants.O_RDWR),
      stderrFd: fs.openSync(this.paths.pipe.err, fs.constants.O_RDWR),
    };
  }

  drain(): void {
    for (const output of this.streams) output.drainNow();
  }

  /** `pm flush`: empties the current log files; returns the paths of those it emptied. */
  flush(): string[] {
    const files = [...new Set(this.streams.map((output) => output.file))];
    return files.flatMap((file) => {
      try {
        file.truncate();
        return [file.path];
      } catch {
        return []; // not there or not writable: nothing to empty
      }
    });
  }

  /** Drains what is left in the pipes, closes the files and removes the pipes. */
  async close(): Promise<void> {
    await this.detach();
    for (const pipe of Object.values(this.paths.pipe)) fs.rmSync(pipe, { force: true });
  }

  /** `pm update`: writes out every line read so far and stops reading; the pipes stay for the next daemon. */
  async detach(): Promise<void> {
    for (const output of this.streams) output.close();
    for (const output of this.streams) this.deps.files.release(output.file);
    this.streams = [];
  }

  private createSink(stream: LogStream): StreamSink {
    const { logs, name } = this.spec;
    const path = this.paths.log[stream];
    const shared = logs.merge || (stream === 'out' ? logs.outFile : logs.errFile) !== undefined;
    // The app's log settings are the file's rotation options as they are: no copy per file.
    const file = this.deps.files.acquire(
      path,
      logs,
      shared ? { app: name } : { app: name, index: this.index },
    );
    const format = createLineFormatter(logs, { app: name, index: this.index, stream });
    // A daemon died while writing a line here: end that line, and say that bytes may be missing.
    if (file.openedInsideLine) file.write(format(RESTART_MARKER, this.deps.now(), false), this);
    return {
      file,
      format,
      timestamped: logs.timestamps || logs.format === 'json',
      wholeLinesOnly: logs.format === 'json',
    };
  }
}
