// The backlog of `pm logs`: the last N lines of each file (newer than --since, kept by a filter
// such as --grep), newest file first, then merged by time. A file's rotated predecessors are read
// only when the newer ones hold too few lines. Plain files are read from the end by blocks; a .gz
// has to be inflated whole, which zlib does on its thread pool, so those are read asynchronously.
import fs from 'node:fs';
import type { LogLine } from '../protocol/log-line.js';
import { type LogSource, parseLogLine } from './parse-log-line.js';
import { rotatedFiles } from './rotated-files.js';
import { bufferLinesFromEnd, FileTail } from './tail.js';

export interface BacklogQuery {
  /** Per source. */
  lines: number;
  sinceMs?: number;
  /** Which lines count (--grep; the instance, for files several instances share). */
  keep?: (line: LogLine) => boolean;
  /** A rotated file that could not be read (a corrupt or truncated .gz): it is skipped. */
  onUnreadable?: (file: string, error: Error) => void;
}

/** Lines looked at per source at most, so a grep for something rare cannot stall the daemon. */
const MAX_SCANNED_LINES = 1_000_000;
/** How long the reading may hold the event loop before it lets other work run. */
const TURN_MS = 10;

function modifiedMs(file: string): number {
  return fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;
}

/** One source being read: what was found so far (newest first) and the files still to read. */
interface SourceRead {
  source: LogSource;
  found: LogLine[];
  scanned: number;
  done: boolean;
  /** The current file, opened (its size fixed) in the same step as the caller's subscription. */
  current: FileTail | null;
  /** Rotated files, newest first: their lines never change. */
  pending: string[];
}

/** Takes one line (newest first); true when the source has all it needs. */
function take(read: SourceRead, text: string, query: BacklogQuery): boolean {
  if (++read.scanned > MAX_SCANNED_LINES) return true;
  const line = parseLogLine(text, read.source);
  if (query.sinceMs !== undefined && line.ts !== null && line.ts < query.sinceMs) return true;
  if (query.keep && !query.keep(line)) return false;
  return read.found.push(line) === query.lines;
}

/** Nothing in a file last written before --since is new enough, nor in the older ones. */
function tooOld(file: string, query: BacklogQuery): boolean {
  return query.sinceMs !== undefined && modifiedMs(file) < query.sinceMs;
}

/** Opens a source's current file at once, so that its lines are those written before this step. */
function startReading(source: LogSource, query: BacklogQuery): SourceRead {
  const done = query.lines === 0;
  return {
    source,
    found: [],
    scanned: 0,
    done,
    current: done || tooOld(source.path, query) ? null : FileTail.open(source.path),
    pending: done ? [] : rotatedFiles(source.path),
  };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Takes lines until the source has enough, yielding to the event loop every TURN_MS (a --grep
 * over a million lines must not hold the daemon); true when the source has enough. */
async function takeAll(read: SourceRead, lines: Iterable<string>, query: BacklogQuery): Promise<boolean> {
  let count = 0;
  let turnStart = Date.now();
  for (const text of lines) {
    if (take(read, text, query)) return true;
    if ((++count & 15) === 0 && Date.now() - turnStart >= TURN_MS) {
      await nextTurn();
      turnStart = Date.now();
    }
  }
  return false;
}

/** The inflated lines of a .gz file, or null when it cannot be read (gone, corrupt, truncated). */
async function inflate(file: string, query: BacklogQuery): Promise<Buffer | null> {
  try {
    const compressed = await fs.promises.readFile(file);
    // Loaded only here: most daemons never read a .gz.
    const zlib = await import('node:zlib');
    return await new Promise<Buffer>((resolve, reject) =>
      zlib.gunzip(compressed, (error, data) => (error ? reject(error) : resolve(data))),
    );
  } catch (error) {
    // Retention may delete an old file while it is read: it is simply gone, not broken.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') query.onUnreadable?.(file, error as Error);
    return null;
  }
}

/** Lines of a rotated file, newest first: a plain one from its end, a .gz inflated whole. */
async function readRotated(read: SourceRead, file: string, query: BacklogQuery): Promise<boolean> {
  // A plain file listed while its .gz was being written may have been replaced by it since.
  if (!file.endsWith('.gz') && !fs.existsSync(file) && fs.existsSync(`${file}.gz`)) file = `${file}.gz`;
  if (tooOld(file, query)) return true;
  if (!file.endsWith('.gz')) {
    const tail = FileTail.open(file);
    if (!tail) return false;
    try {
      return await takeAll(read, tail.lines(), query);
    } finally {
      tail.close();
    }
  }
  const data = await inflate(file, query);
  return data ? takeAll(read, bufferLinesFromEnd(data), query) : false;
}

/** Reads a source: its current file (a line it ends inside is still being written, and is shown
 * once finished), then its rotated files, one at a time. */
async function finishReading(read: SourceRead, query: BacklogQuery): Promise<void> {
  const { current } = read;
  if (current) {
    try {
      const lines = current.lines();
      if (current.endsInsideLine()) lines.next();
      read.done ||= await takeAll(read, lines, query);
    } finally {
      current.close();
    }
  } else if (!read.done) {
    read.done = tooOld(read.source.path, query);
  }
  for (const file of read.pending) {
    if (read.done) return;
    read.done = await readRotated(read, file, query);
  }
}

/** Reads every source: current files opened at once, then read one source after the other. */
function readSources(sources: LogSource[], query: BacklogQuery): Promise<LogLine[][]> {
  const reads = sources.map((source) => startReading(source, query));
  return (async () => {
    // One after the other: at most one inflated file in memory.
    for (const read of reads) if (!read.done) await finishReading(read, query);
    return reads.map((read) => read.found.reverse());
  })();
}

/**
 * Every source's last lines, merged by time (lines without a time first, in file order). Every
 * current file is opened, its size fixed, before this returns, so a caller that subscribes to new
 * lines right after the call misses none and repeats none, however long the reading then takes.
 */
export async function readBacklog(sources: LogSource[], query: BacklogQuery): Promise<LogLine[]> {
  const lines = await readSources(sources, query);
  return lines.flat().sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0));
}

/** The last `query.lines` matching lines of one source, oldest first. */
export async function lastLines(source: LogSource, query: BacklogQuery): Promise<LogLine[]> {
  const [lines] = await readSources([source], query);
  return lines!;
}
