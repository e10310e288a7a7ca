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
 * `lines` holds lines, each ending with a newline, except that in text formats the last may be
 * unfinished (written now, finished by a later block); `continues` says that the first line is the
 * rest of one begun by an earlier block. `nowMs` is when they were read. The result is valid until
 * the next call: the daemon writes it at once.
 */
export type FormatLines = (lines: Buffer, nowMs: number, continues: boolean) => Buffer;

// One output buffer for every formatter: formatting and writing happen in one synchronous step,
// so no block waits in it, and 200,000 lines need no fresh allocation per block.
let scratch = Buffer.allocUnsafe(256 * 1024);

function intoScratch(text: string, encoding: 'latin1' | 'utf8'): Buffer {
  const bytes = encoding === 'latin1' ? text.length : Buffer.byteLength(text);
  if (bytes > scratch.length) scratch = Buffer.allocUnsafe(bytes * 2);
  return scratch.subarray(0, scratch.write(text, 0, encoding));
}

/**
 * Puts `prefix` (ASCII) before every line of `lines` that starts in them: not before the rest of a
 * line begun earlier (`continues`), nor after a last newline. Valid until the next call.
 */
export function prefixLines(lines: Buffer, prefix: string, continues = false): Buffer {
  const ended = lines[lines.length - 1] === 10;
  const text = lines.toString('latin1', 0, ended ? lines.length - 1 : lines.length);
  const head = continues ? '' : prefix;
  return intoScratch(`${head}${text.replaceAll('\n', `\n${prefix}`)}${ended ? '\n' : ''}`, 'latin1');
}

/** Whole lines only: a JSON object cannot be left open for the rest of its line. */
function toJsonLines(lines: Buffer, head: string): Buffer {
  let out = '';
  let start = 0;
  for (let newline = lines.indexOf(10); newline !== -1; newline = lines.indexOf(10, start)) {
    out += `${head}${JSON.stringify(lines.toString('utf8', start, newline))}}\n`;
    start = newline + 1;
  }
  return intoScratch(out, 'utf8');
}

const asIs: FormatLines = (lines) => lines;
const timestamped: FormatLines = (lines, nowMs, continues) =>
  prefixLines(lines, `${new Date(nowMs).toISOString()} `, continues);

// Chosen once per stream, so the hot path does not test the settings per block; the text formats
// are one function for all streams.
export function createLineFormatter(
  spec: Pick<LogSpec, 'format' | 'timestamps'>,
  origin: LineOrigin,
): FormatLines {
  if (spec.format === 'json') {
    const who = `"app":${JSON.stringify(origin.app)},"instance":${origin.index},"stream":"${origin.stream}"`;
    return (lines, nowMs) => toJsonLines(lines, `{"ts":"${new Date(nowMs).toISOString()}",${who},"line":`);
  }
  return spec.timestamps ? timestamped : asIs;
}
