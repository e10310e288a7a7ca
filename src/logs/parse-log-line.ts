// Reads a stored log line back into its parts: a JSON line, a line with the ISO-8601 time prefix,
// or a bare line (timestamps off), whatever the file's current settings, since they may have changed.
import type { LogLine, LogStream } from '../protocol/log-line.js';

/** The file a line was read from, for the parts a text line does not record. */
export interface LogSource {
  path: string;
  app: string;
  /** null when several instances write the file. */
  index: number | null;
  stream: LogStream;
}

const TIME_PREFIX = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /;
const TIME_PREFIX_LENGTH = 25;

interface JsonLine {
  ts: string;
  app: string;
  instance: number;
  stream: LogStream;
  line: string;
}

function parseJsonLine(text: string): JsonLine | null {
  try {
    const value = JSON.parse(text) as JsonLine;
    return typeof value.line === 'string' && typeof value.ts === 'string' ? value : null;
  } catch {
    return null;
  }
}

// Any line parses: an unknown shape is a bare line without a time.
export function parseLogLine(text: string, source: LogSource): LogLine {
  const json = text.startsWith('{"ts":') ? parseJsonLine(text) : null;
  if (json) {
    return {
      ts: Date.parse(json.ts),
      app: json.app ?? source.app,
      index: Number.isInteger(json.instance) ? json.instance : source.index,
      stream: json.stream === 'err' ? 'err' : json.stream === 'out' ? 'out' : source.stream,
      line: json.line,
    };
  }
  const { app, index, stream } = source;
  if (TIME_PREFIX.test(text)) {
    return {
      ts: Date.parse(text.slice(0, TIME_PREFIX_LENGTH - 1)),
      app,
      index,
      stream,
      line: text.slice(TIME_PREFIX_LENGTH),
    };
  }
  return { ts: null, app, index, stream, line: text };
}
