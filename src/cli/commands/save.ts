// `pm save [--force]`: write every app's definition, and the daemon-wide settings config files
// applied, to $PM_HOME/dump.yaml for `pm resurrect`.
import type { Command } from 'commander';
import { writeDump } from '../../config/dump-file.js';
import { resolvePaths } from '../../config/paths.js';
import { describeSettings } from '../output/settings-text.js';
import { withDaemon } from '../session.js';

async function save(options: { force?: boolean }): Promise<void> {
  const { dumpFile } = resolvePaths();
  // `describe` returns the definitions unmasked: the dump must bring back the real env values.
  // Only the applied settings: the defaults come from the environment of whichever daemon runs.
  const [details, { appliedSettings: settings }] = await withDaemon((client) =>
    Promise.all([
      client.request({ type: 'describe', target: { kind: 'all' } }),
      client.request({ type: 'ping' }),
    ]),
  );
  const apps = details.map((app) => app.spec);
  writeDump(dumpFile, { apps, settings }, { force: Boolean(options.force) });
  const names = apps.map((app) => app.name).join(', ');
  const described = describeSettings(settings);
  process.stdout.write(
    `saved ${apps.length} app${apps.length === 1 ? '' : 's'} to ${dumpFile}${names ? ` (${names})` : ''}\n` +
      (described ? `with the daemon settings: ${described}\n` : ''),
  );
}

export function registerSave(program: Command): void {
  program
    .command('save')
    .description(
      'save the app definitions (env included, file mode 0600) and daemon settings for `pm resurrect`',
    )
    .option('--force', 'save even an empty app list over a non-empty dump')
    .action(save);
}
