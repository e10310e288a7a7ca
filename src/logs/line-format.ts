// Turns a block of whole lines into the bytes stored in the log file: as is, with an ISO-8601
// time before each line, or as JSON lines. One time string per block, and the text format works
// on the block as one string (latin1 keeps every byte), so there is no per-line JavaScript.
import type { LogSpec } from '../protocol/app-spec.js';
import type { LogStream } from '../protocol/log-line.js';

/** Who wrote the lines: goes into JSON lines and live `pm logs` lines. */
export interface LineOrigin {
  app: string;
  index: number;
  stream: LogStream;
}

/**
 * `lines` holds whole lines, each ending with a newline; `nowMs` is when they were read. The result
 * is valid until the next call: the daemon writes it, or queues a copy, at once.
 */
export type FormatLines = (lines: Buffer, nowMs: number) => Buffer;

// One output buffer for every formatter: formatting and writing happen in one synchronous step,
// so no block waits in it, and 200,000 lines need no fresh allocation per block.
let scratch = Buffer.allocUnsafe(256 * 1024);

function intoScratch(text: string, encoding: 'latin1' | 'utf8'): Buffer {
  const bytes = encoding === 'latin1' ? text.length : Buffer.byteLength(text);
  if (bytes > scratch.length) scratch = Buffer.allocUnsafe(bytes * 2);
  return scratch.subarray(0, scratch.write(text, 0, encoding));
}

/** Puts `prefix` (ASCII) before every line of `lines`; the result is valid until the next call. */
export function prefixLines(lines: Buffer, prefix: string): Buffer {
  const text = lines.toString('latin1', 0, lines.length - 1);
  return intoScratch(`${prefix}${text.replaceAll('\n', `\n${prefix}`)}\n`, 'latin1');
}

function toJsonLines(lines: Buffer, head: string): Buffer {
  let out = '';
  let start = 0;
  for (let newline = lines.indexOf(10); newline !== -1; newline = lines.indexOf(10, start)) {
    out += `${head}${JSON.stringify(lines.toString('utf8', start, newline))}}\n`;
    start = newline + 1;
  }
  return intoScratch(out, 'utf8');
}

// Chosen once per stream, so the hot path does not test the settings per block.
export function createLineFormatter(
  spec: Pick<LogSpec, 'format' | 'timestamps'>,
  origin: LineOrigin,
): FormatLines {
  if (spec.format === 'json') {
    const who = `"app":${JSON.stringify(origin.app)},"instance":${origin.index},"stream":"${origin.stream}"`;
    return (lines, nowMs) => toJsonLines(lines, `{"ts":"${new Date(nowMs).toISOString()}",${who},"line":`);
  }
  if (!spec.timestamps) return (lines) => lines;
  return (lines, nowMs) => prefixLines(lines, `${new Date(nowMs).toISOString()} `);
}
