// `pm scale <app> <N|+N|-N>`.
import { type Command, InvalidArgumentError } from 'commander';
import { PmError } from '../../protocol/errors.js';
import type { ScaleChange } from '../../protocol/messages.js';
import { printSummary } from '../output/summary.js';
import { withDaemon } from '../session.js';
import { waitFlag, waitTimeout, waitUntilReady } from '../wait-ready.js';

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

function parseBound(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > MAX_INSTANCES) {
    throw new InvalidArgumentError(`expected a number of instances from 0 to ${MAX_INSTANCES}`);
  }
  return Number(text);
}

interface ScaleOptions {
  json?: boolean;
  wait?: boolean | number;
  min?: number;
  max?: number;
}

export function registerScale(program: Command): void {
  program
    .command('scale')
    .description(
      'set the number of instances (N), or add (+N) or remove (-N); removal stops the highest indexes; ' +
        "a pool's count stays within its bounds, which --min and --max change",
    )
    .argument('<app>', 'app name')
    .argument('[count]', 'N, +N or -N', parseScale)
    .option('--min <n>', "a pool's new min_size (kept by `pm save`)", parseBound)
    .option('--max <n>', "a pool's new max_size (kept by `pm save`)", parseBound)
    .option('--json', 'print the instances as JSON')
    .addOption(waitFlag())
    .action(async (name: string, change: ScaleChange | undefined, options: ScaleOptions) => {
      const bounds =
        options.min === undefined && options.max === undefined
          ? undefined
          : { minSize: options.min, maxSize: options.max };
      if (!change && !bounds) {
        throw new PmError(
          'bad-request',
          'expected a count (N, +N or -N), --min or --max: see `pm scale --help`',
        );
      }
      const infos = await withDaemon(async (client) => {
        const scaled = await client.request({ type: 'scale', name, change, bounds });
        return waitUntilReady(client, scaled, waitTimeout(options.wait));
      });
      printSummary(infos, { json: Boolean(options.json) });
    });
}
