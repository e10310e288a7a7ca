// The backlog of `pm logs`: the last N lines of each file (newer than --since, kept by a filter
// such as --grep), newest file first, then merged by time. A file's rotated predecessors are read
// only when the newer ones hold too few lines. Plain files are read from the end by blocks; a .gz
// has to be inflated whole, which zlib does on its thread pool, so those are read asynchronously.
import fs from 'node:fs';
import type { LogLine } from '../protocol/log-line.js';
import { endsInsideLine } from './file-end.js';
import { type LogSource, parseLogLine } from './parse-log-line.js';
import { rotatedFiles } from './rotated-files.js';
import { bufferLinesFromEnd, linesFromEnd } from './tail.js';

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
/** Lines of an inflated file parsed between two turns of the event loop. */
const LINES_PER_TURN = 20_000;

function modifiedMs(file: string): number {
  return fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;
}

/** One source being read: what was found so far (newest first) and the files still to read. */
interface SourceRead {
  source: LogSource;
  found: LogLine[];
  scanned: number;
  done: boolean;
  /** Rotated files not read yet, newest first, from the first .gz on. */
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

/**
 * Reads a source's current file and its plain rotated files up to the first .gz one, at once
 * (synchronously). What is left is rotated files, whose lines never change.
 */
function startReading(source: LogSource, query: BacklogQuery): SourceRead {
  const read: SourceRead = { source, found: [], scanned: 0, done: query.lines === 0, pending: [] };
  const files = [source.path, ...rotatedFiles(source.path)];
  // A line the current file ends inside is still being written: it is shown once it is finished.
  let skipLast = endsInsideLine(source.path);
  while (!read.done && files.length > 0) {
    if (files[0]!.endsWith('.gz')) {
      read.pending = files;
      break;
    }
    read.done = readPlain(read, files.shift()!, query, skipLast);
    skipLast = false;
  }
  return read;
}

/** Reads a plain file from its end, its last line left out with `skipLast`; true when the source has all it needs. */
function readPlain(read: SourceRead, file: string, query: BacklogQuery, skipLast = false): boolean {
  if (tooOld(file, query)) return true;
  let skip = skipLast;
  for (const text of linesFromEnd(file)) {
    if (skip) skip = false;
    else if (take(read, text, query)) return true;
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

/** Reads the rest of a source: .gz files inflated one at a time, yielding to the event loop. */
async function finishReading(read: SourceRead, query: BacklogQuery): Promise<void> {
  for (let file of read.pending) {
    if (read.done) return;
    // A plain file listed while its .gz was being written may have been replaced by it since.
    if (!file.endsWith('.gz') && !fs.existsSync(file) && fs.existsSync(`${file}.gz`)) file = `${file}.gz`;
    if (!file.endsWith('.gz')) {
      read.done = readPlain(read, file, query);
      continue;
    }
    if (tooOld(file, query)) return;
    const data = await inflate(file, query);
    if (!data) continue;
    let count = 0;
    for (const text of bufferLinesFromEnd(data)) {
      if (take(read, text, query)) {
        read.done = true;
        return;
      }
      if (++count % LINES_PER_TURN === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}

/** Reads every source: current files at once, then the rest one source after the other. */
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
 * current file (and every plain rotated file before the first .gz) is read before this returns,
 * so a caller that subscribes to new lines right after the call misses none and repeats none;
 * only older rotated files, whose lines never change, are read later.
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
