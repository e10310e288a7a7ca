// `pm list` / `pm ls`: the table, or the stable JSON schema for scripts.
import type { Command } from 'commander';
import { toListJson } from '../output/list-json.js';
import { withDaemon } from '../session.js';

export function registerList(program: Command): void {
  program
    .command('list')
    .alias('ls')
    .description('list every instance: id, name, pid, state, health, uptime, restarts, cpu, memory')
    .option('--json', 'print a JSON array (stable schema, see docs/cli.md)')
    .action(async (options: { json?: boolean }) => {
      const infos = await withDaemon((client) => client.request({ type: 'list' }));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(toListJson(infos))}\n`);
        return;
      }
      const [{ renderTable }, { colorEnabled }] = await Promise.all([
        import('../output/table.js'),
        import('../output/colors.js'),
      ]);
      process.stdout.write(`${renderTable(infos, { color: colorEnabled() })}\n`);
    });
}
