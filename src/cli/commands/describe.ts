// `pm describe <target>`: everything about the selected apps (secret-looking env values masked).
import type { Command } from 'commander';
import type { AppDetails } from '../../protocol/messages.js';
import { parseTarget } from '../../protocol/target.js';
import { maskEnv } from '../output/format.js';
import { withDaemon } from '../session.js';

function masked(apps: AppDetails[]): AppDetails[] {
  return apps.map((app) => ({ ...app, spec: { ...app.spec, env: maskEnv(app.spec.env), baseEnv: {} } }));
}

export function registerDescribe(program: Command): void {
  program
    .command('describe')
    .alias('show')
    .description('show the definition, state, last exit and restart history of an app')
    .argument('<target>', 'app name, id, name:index, or all')
    .option('--json', 'print as JSON')
    .action(async (text: string, options: { json?: boolean }) => {
      const target = parseTarget(text);
      const apps = masked(await withDaemon((client) => client.request({ type: 'describe', target })));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(apps, null, 2)}\n`);
        return;
      }
      const { renderDescribe } = await import('../output/describe-text.js');
      process.stdout.write(`${renderDescribe(apps)}\n`);
    });
}
