// `pm logs [target]`: the last lines of each stream merged by time behind a `name:index |` prefix,
// then with --follow the new lines as the daemon writes them.

import type { ChalkInstance } from 'chalk';
import { type Command, InvalidArgumentError } from 'commander';
import type { LogLine, LogStream } from '../../protocol/log-line.js';
import { parseTarget } from '../../protocol/target.js';
import { countOption, durationOption } from '../options.js';
import { createChalk } from '../output/colors.js';
import { withDaemon } from '../session.js';

interface LogsOptions {
  lines: number;
  follow?: boolean;
  err?: boolean;
  out?: boolean;
  since?: number;
  grep?: string;
  json?: boolean;
  raw?: boolean;
}

const PALETTE = ['cyan', 'green', 'yellow', 'blue', 'magenta'] as const;

function grepOption(value: string): string {
  try {
    new RegExp(value);
  } catch (error) {
    throw new InvalidArgumentError(`not a regular expression: ${(error as Error).message}`);
  }
  return value;
}

function labelOf(line: LogLine): string {
  return line.index === null ? line.app : `${line.app}:${line.index}`;
}

/** The line as stored: its time first when the file keeps one. */
function textOf(line: LogLine): string {
  return line.ts === null ? line.line : `${new Date(line.ts).toISOString()} ${line.line}`;
}

/** Prints lines with a prefix padded to the widest label so far, coloured per instance (errors in red). */
function createLinePrinter(options: { json?: boolean; raw?: boolean }, chalk: ChalkInstance) {
  const colors = new Map<string, (typeof PALETTE)[number]>();
  let width = 0;
  return (line: LogLine): string => {
    if (options.json) {
      const { ts, app, index, stream } = line;
      return JSON.stringify({
        ts: ts === null ? null : new Date(ts).toISOString(),
        app,
        instance: index,
        stream,
        line: line.line,
      });
    }
    if (options.raw) return textOf(line);
    const label = labelOf(line);
    width = Math.max(width, label.length);
    if (!colors.has(label)) colors.set(label, PALETTE[colors.size % PALETTE.length]!);
    const prefix = `${label.padEnd(width)} |`;
    return `${line.stream === 'err' ? chalk.red(prefix) : chalk[colors.get(label)!](prefix)} ${textOf(line)}`;
  };
}

export function registerLogs(program: Command): void {
  program
    .command('logs')
    .description(
      'show the last lines of the output of all or some instances, merged by time, then the new ones as they come in a terminal (as PM2 does; not when piped: --follow / --no-follow decide)',
    )
    .argument('[target]', 'app name, id, name:index or "all"', 'all')
    .option('-n, --lines <count>', 'lines per stream', countOption, 20)
    .option('-f, --follow', 'keep printing new lines as they are written (the default in a terminal)')
    .option('--no-follow', 'print the last lines and exit (the default when stdout is not a terminal)')
    .option('--err', 'only stderr')
    .option('--out', 'only stdout')
    .option('--since <duration>', 'only lines newer than this (e.g. 10m)', durationOption)
    .option('--grep <regex>', 'only lines matching this regular expression', grepOption)
    .option('--json', 'one JSON object per line: {ts, app, instance, stream, line}')
    .option('--raw', 'the lines only, without the name:index prefix')
    .action(async (target: string, options: LogsOptions) => {
      const streams: LogStream[] =
        options.err === options.out ? ['out', 'err'] : options.err ? ['err'] : ['out'];
      const format = createLinePrinter(options, createChalk());
      await withDaemon((client) =>
        client.stream(
          {
            type: 'logs',
            target: parseTarget(target),
            lines: options.lines,
            // In a terminal a person watches, as with `pm2 logs`; a script wants the lines and an exit.
            follow: options.follow ?? Boolean(process.stdout.isTTY),
            streams,
            ...(options.since !== undefined && { sinceMs: Date.now() - options.since }),
            ...(options.grep !== undefined && { grep: options.grep }),
          },
          (line) => process.stdout.write(`${format(line)}\n`),
        ),
      );
    });
}
