// `pm logs`: the last lines of each selected stream merged by time, then (with follow) the lines
// the writers read from now on, straight from the log hub rather than from the files.

import type { LineOrigin } from '../../logs/line-format.js';
import type { LogSource } from '../../logs/parse-log-line.js';
import { readBacklog } from '../../logs/read-backlog.js';
import { PmError } from '../../protocol/errors.js';
import { LOG_STREAMS, type LogLine, type LogStream } from '../../protocol/log-line.js';
import type { RequestOf, StreamEventOf } from '../../protocol/messages.js';
import type { Target } from '../../protocol/target.js';
import type { ManagedProcess } from '../../supervisor/managed-process.js';
import type { DaemonContext } from '../context.js';
import type { StreamWriter } from '../stream-writer.js';
import { compileUserRegExp } from '../user-regexp.js';

function compileGrep(pattern: string | undefined): RegExp | undefined {
  if (pattern === undefined) return undefined;
  try {
    return compileUserRegExp(pattern);
  } catch (error) {
    throw new PmError('bad-request', `--grep: ${(error as Error).message}`);
  }
}

/** One source per distinct file, and one per fallback file holding lines of it (written while it
 * failed); a file several instances share is not attributed to one of them. */
function sourcesOf(
  selected: ManagedProcess[],
  all: ManagedProcess[],
  streams: LogStream[],
  fallbackFilesOf: (file: string) => string[],
): LogSource[] {
  const writers = new Map<string, number>();
  for (const proc of all) {
    for (const path of new Set(Object.values(proc.output.paths.log)))
      writers.set(path, (writers.get(path) ?? 0) + 1);
  }
  const sources = new Map<string, LogSource>();
  for (const proc of selected) {
    for (const stream of streams) {
      const path = proc.output.paths.log[stream];
      if (sources.has(path)) continue;
      const index = writers.get(path) === 1 ? proc.index : null;
      sources.set(path, { path, app: proc.name, index, stream });
      for (const fallback of fallbackFilesOf(path)) {
        if (!sources.has(fallback)) sources.set(fallback, { path: fallback, app: proc.name, index, stream });
      }
    }
  }
  return [...sources.values()];
}

const reportedUnreadable = new Set<string>();

/** A rotated file `pm logs` cannot read (a corrupt .gz) is skipped, and named in daemon.log once. */
function onUnreadable(file: string, error: Error): void {
  if (reportedUnreadable.has(file)) return;
  reportedUnreadable.add(file);
  process.stderr.write(
    `${new Date().toISOString()} pm logs: skipping unreadable ${file}: ${error.message}\n`,
  );
}

/** Which instances the target names: by app name for a name (instances added later included). */
function instanceFilter(target: Target, selected: ManagedProcess[]) {
  const instances = new Set(selected.map((p) => `${p.name}:${p.index}`));
  if (target.kind === 'all') return () => true;
  if (target.kind === 'name') return (app: string) => app === target.name;
  return (app: string, index: number | null) => index === null || instances.has(`${app}:${index}`);
}

export async function logs(
  request: RequestOf<'logs'>,
  ctx: DaemonContext,
  stream: StreamWriter<StreamEventOf['logs']>,
): Promise<void> {
  const grep = compileGrep(request.grep);
  const streams = request.streams.length > 0 ? request.streams : [...LOG_STREAMS];
  const selected = ctx.pool.select(request.target);
  const wantsInstance = instanceFilter(request.target, selected);
  // A line of a shared file read back knows its instance only in JSON format: the rest pass.
  const keep = (line: LogLine) => wantsInstance(line.app, line.index) && (!grep || grep.test(line.line));
  const sources = sourcesOf(selected, ctx.pool.all(), streams, ctx.logging.fallbackFilesOf);
  const since = request.sinceMs === undefined ? {} : { sinceMs: request.sinceMs };
  // Every current file is read inside this call, and the subscription follows in the same
  // synchronous step: no line falls between. Older rotated files (.gz) may be read after it.
  const backlog = readBacklog(sources, { lines: request.lines, keep, onUnreadable, ...since });
  if (!request.follow) {
    for (const line of await backlog) stream.send(line);
    return;
  }
  // New lines wait behind the backlog while its compressed files are inflated.
  let held: LogLine[] | null = [];
  const unsubscribe = ctx.logging.hub.subscribe({
    wants: (origin: LineOrigin) => streams.includes(origin.stream) && wantsInstance(origin.app, origin.index),
    send: (line) => {
      if (grep && !grep.test(line.line)) return;
      if (held) held.push(line);
      else stream.send(line);
    },
  });
  try {
    for (const line of await backlog) stream.send(line);
    for (const line of held) stream.send(line);
    held = null;
    await stream.closed;
  } finally {
    unsubscribe();
  }
}
