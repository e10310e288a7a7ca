// `pm save [--force]`: write every app's definition to $PM_HOME/dump.yaml for `pm resurrect`.
import type { Command } from 'commander';
import { writeDump } from '../../config/dump-file.js';
import { resolvePaths } from '../../config/paths.js';
import { withDaemon } from '../session.js';

async function save(options: { force?: boolean }): Promise<void> {
  const { dumpFile } = resolvePaths();
  // `describe` returns the definitions unmasked: the dump must bring back the real env values.
  const details = await withDaemon((client) => client.request({ type: 'describe', target: { kind: 'all' } }));
  const apps = details.map((app) => app.spec);
  writeDump(dumpFile, apps, { force: Boolean(options.force) });
  const names = apps.map((app) => app.name).join(', ');
  process.stdout.write(
    `saved ${apps.length} app${apps.length === 1 ? '' : 's'} to ${dumpFile}${names ? ` (${names})` : ''}\n`,
  );
}

export function registerSave(program: Command): void {
  program
    .command('save')
    .description('save the app definitions (env included, file mode 0600) for `pm resurrect`')
    .option('--force', 'save even an empty app list over a non-empty dump')
    .action(save);
}
