// The backlog of `pm logs`: the last N lines of each file (newer than --since, kept by a filter
// such as --grep), read from the end by blocks, then merged by time. A file's rotated (uncompressed) predecessors
// are read when it alone holds too few lines.
import fs from 'node:fs';
import type { LogLine } from '../protocol/log-line.js';
import { type LogSource, parseLogLine } from './parse-log-line.js';
import { rotatedFiles } from './rotated-files.js';
import { linesFromEnd } from './tail.js';

export interface BacklogQuery {
  /** Per source. */
  lines: number;
  sinceMs?: number;
  /** Which lines count (--grep; the instance, for files several instances share). */
  keep?: (line: LogLine) => boolean;
}

/** Lines looked at per source at most, so a grep for something rare cannot stall the daemon. */
const MAX_SCANNED_LINES = 1_000_000;

function modifiedMs(file: string): number {
  return fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;
}

/** The last `query.lines` matching lines of one source, oldest first. */
export function lastLines(source: LogSource, query: BacklogQuery): LogLine[] {
  const found: LogLine[] = [];
  if (query.lines === 0) return found;
  const { sinceMs, keep } = query;
  let scanned = 0;
  const files = [source.path, ...rotatedFiles(source.path).filter((file) => !file.endsWith('.gz'))];
  for (const file of files) {
    // Nothing in a file last written before --since is new enough, nor in the older ones.
    if (sinceMs !== undefined && modifiedMs(file) < sinceMs) break;
    for (const text of linesFromEnd(file)) {
      if (++scanned > MAX_SCANNED_LINES) return found.reverse();
      const line = parseLogLine(text, source);
      if (sinceMs !== undefined && line.ts !== null && line.ts < sinceMs) return found.reverse();
      if (keep && !keep(line)) continue;
      if (found.push(line) === query.lines) return found.reverse();
    }
  }
  return found.reverse();
}

/** Every source's last lines, merged by time (lines without a time first, in file order). */
export function readBacklog(sources: LogSource[], query: BacklogQuery): LogLine[] {
  return sources.flatMap((source) => lastLines(source, query)).sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0));
}
