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

/** `lines` holds whole lines, each ending with a newline; `nowMs` is when they were read. */
export type FormatLines = (lines: Buffer, nowMs: number) => Buffer;

/** Puts `prefix` before every line of `lines`. */
export function prefixLines(lines: Buffer, prefix: string): Buffer {
  const text = lines.toString('latin1', 0, lines.length - 1);
  return Buffer.from(`${prefix}${text.replaceAll('\n', `\n${prefix}`)}\n`, 'latin1');
}

function toJsonLines(lines: Buffer, head: string): Buffer {
  let out = '';
  let start = 0;
  for (let newline = lines.indexOf(10); newline !== -1; newline = lines.indexOf(10, start)) {
    out += `${head}${JSON.stringify(lines.toString('utf8', start, newline))}}\n`;
    start = newline + 1;
  }
  return Buffer.from(out);
}

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
