// `pm scale <app> <N|+N|-N>`.
import { type Command, InvalidArgumentError } from 'commander';
import type { ScaleChange } from '../../protocol/messages.js';
import { printSummary } from '../output/summary.js';
import { withDaemon } from '../session.js';

/** The most instances an app may have (the daemon's limit too). */
const MAX_INSTANCES = 10_000;

export function parseScale(text: string): ScaleChange {
  const match = /^([+-]?)(\d+)$/.exec(text);
  if (!match) throw new InvalidArgumentError('expected N, +N or -N');
  const count = Number(match[2]);
  if (count > MAX_INSTANCES) {
    throw new InvalidArgumentError(`found ${text}: an app has at most ${MAX_INSTANCES} instances`);
  }
  if (match[1] === '') return { mode: 'set', count };
  return { mode: 'add', count: match[1] === '-' ? -count : count };
}

export function registerScale(program: Command): void {
  program
    .command('scale')
    .description(
      'set the number of instances (N), or add (+N) or remove (-N); removal stops the highest indexes',
    )
    .argument('<app>', 'app name')
    .argument('<count>', 'N, +N or -N', parseScale)
    .option('--json', 'print the instances as JSON')
    .action(async (name: string, change: ScaleChange, options: { json?: boolean }) => {
      const infos = await withDaemon((client) => client.request({ type: 'scale', name, change }));
      printSummary(infos, { json: Boolean(options.json) });
    });
}
