// `pm list` / `pm ls`: the table, or the stable JSON schema for scripts.
import type { Command } from 'commander';
import { PmError } from '../../protocol/errors.js';
import type { AppSummary } from '../../protocol/messages.js';
import type { DaemonClient } from '../daemon-client.js';
import { toListJson } from '../output/list-json.js';
import { withDaemon } from '../session.js';

// An app scaled to 0 has no instance in `list`, yet it is defined: it gets a row of its own; a
// pooled app shows its bounds. A daemon from before `apps` refuses the request; its list is shown as it is.
async function listApps(client: DaemonClient): Promise<AppSummary[]> {
  try {
    return await client.request({ type: 'apps' });
  } catch (error) {
    if (error instanceof PmError && error.code === 'bad-request') return [];
    throw error;
  }
}

export function registerList(program: Command): void {
  program
    .command('list')
    .alias('ls')
    .alias('status')
    .description('list every instance: id, name, pid, state, health, uptime, restarts, cpu, memory')
    .option('--json', 'print a JSON array (stable schema, see docs/cli.md)')
    .action(async (options: { json?: boolean }) => {
      const [infos, apps] = await withDaemon((client) =>
        Promise.all([client.request({ type: 'list' }), listApps(client)]),
      );
      const emptyApps = apps.filter((app) => app.instances === 0).map((app) => app.name);
      const pools = new Map(apps.flatMap((app) => (app.pool ? [[app.name, app.pool] as const] : [])));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(toListJson(infos, Date.now(), emptyApps, pools))}\n`);
        return;
      }
      const [{ renderTable }, { colorEnabled }] = await Promise.all([
        import('../output/table.js'),
        import('../output/colors.js'),
      ]);
      process.stdout.write(`${renderTable(infos, { color: colorEnabled(), emptyApps, pools })}\n`);
    });
}
