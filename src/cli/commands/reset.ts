// `pm reset <target>`: zero the restart counters; an errored instance starts again with a fresh count.
import type { Command } from 'commander';
import { parseTarget } from '../../protocol/target.js';
import { printSummary } from '../output/summary.js';
import { withDaemon } from '../session.js';

export function registerReset(program: Command): void {
  program
    .command('reset')
    .description('zero the restart counters; an errored instance starts again with a fresh crash-loop count')
    .argument('<target>', 'app name, id, name:index, or all')
    .option('--json', 'print the affected instances as JSON')
    .action(async (text: string, options: { json?: boolean }) => {
      const target = parseTarget(text);
      const infos = await withDaemon((client) => client.request({ type: 'reset', target }));
      printSummary(infos, { json: Boolean(options.json) });
    });
}
