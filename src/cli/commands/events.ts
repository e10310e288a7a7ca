// `pm events`: the lifecycle event log (started, exited, restarted, errored, paused, scaled, ...).
import type { Command } from 'commander';
import type { PmEvent } from '../../protocol/events.js';
import { countOption, durationOption } from '../options.js';
import { withDaemon } from '../session.js';

interface EventsOptions {
  follow?: boolean;
  json?: boolean;
  lines: number;
  since?: number;
}

export function formatEvent(event: PmEvent): string {
  const who =
    event.app === undefined
      ? 'daemon'
      : event.index === undefined
        ? event.app
        : `${event.app}:${event.index}`;
  return `${new Date(event.ts).toISOString()} ${who} ${event.type}: ${event.message}`;
}

export function registerEvents(program: Command): void {
  program
    .command('events')
    .description(
      'show lifecycle events: started, exited (code/signal), errored, paused, scaled, health, limits',
    )
    .option('-f, --follow', 'keep printing new events')
    .option('--json', 'one JSON object per line')
    .option('-n, --lines <count>', 'how many past events to show', countOption, 50)
    .option('--since <duration>', 'only events newer than this (e.g. 10m)', durationOption)
    .action(async (options: EventsOptions) => {
      const print = (event: PmEvent) =>
        process.stdout.write(`${options.json ? JSON.stringify(event) : formatEvent(event)}\n`);
      await withDaemon((client) =>
        client.stream(
          {
            type: 'events',
            lines: options.lines,
            follow: Boolean(options.follow),
            ...(options.since !== undefined && { sinceMs: Date.now() - options.since }),
          },
          print,
        ),
      );
    });
}
