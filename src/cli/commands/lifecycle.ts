// `pm stop|restart|delete|pause|resume <target>`: the same shape, one request each.
import type { Command } from 'commander';
import { parseTarget } from '../../protocol/target.js';
import { printSummary } from '../output/summary.js';
import { withDaemon } from '../session.js';

const VERBS = [
  {
    verb: 'stop',
    description:
      'stop gracefully: stop signal to the process group, SIGKILL to the tree after the kill timeout',
  },
  { verb: 'restart', description: 'stop, then start again' },
  { verb: 'delete', description: 'stop and forget', alias: 'del' },
  { verb: 'pause', description: 'freeze every process of the tree (SIGSTOP)' },
  { verb: 'resume', description: 'continue a paused tree (SIGCONT)' },
] as const;

export function registerLifecycle(program: Command): void {
  for (const { verb, description, ...rest } of VERBS) {
    const command = program
      .command(verb)
      .description(description)
      .argument('<target>', 'app name, id, name:index, or all')
      .option('--json', 'print the affected instances as JSON')
      .action(async (text: string, options: { json?: boolean }) => {
        const target = parseTarget(text);
        const infos = await withDaemon((client) => client.request({ type: verb, target }));
        printSummary(infos, { json: Boolean(options.json) });
      });
    if ('alias' in rest) command.alias(rest.alias);
  }
}
