// `pm reload <target|config>`: a restart with no moment without a ready instance. A config file
// applies the file and reloads the apps whose definition changed.
import { type Command, InvalidArgumentError } from 'commander';
import { isConfigPath } from '../../config/file/config-path.js';
import { parseTarget } from '../../protocol/target.js';
import { applyInBatches } from '../apply-batches.js';
import { printChanges, printSummary } from '../output/summary.js';
import { printWarnings } from '../output/warnings.js';
import { withDaemon } from '../session.js';
import { waitFlag, waitTimeout, waitUntilReady } from '../wait-ready.js';

interface ReloadOptions {
  parallel: number;
  json?: boolean;
  wait?: boolean | number;
}

function parallelOption(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 10_000)
    throw new InvalidArgumentError('expected a number of instances from 1 to 10000');
  return Number(value);
}

async function reloadConfig(file: string, parallel: number, waitMs: number | null) {
  // The YAML loader only for a config file: `pm reload web` stays light.
  const { loadConfig } = await import('../../config/file/load-config.js');
  const { apps, settings, warnings } = loadConfig(file, {});
  printWarnings(warnings);
  const hasSettings = Object.keys(settings).length > 0;
  return withDaemon(async (client) => {
    const applied = await applyInBatches(client, apps, hasSettings ? settings : undefined, {
      reload: { parallel },
    });
    printChanges(applied.changes);
    return waitUntilReady(client, applied.instances, waitMs);
  });
}

export function registerReload(program: Command): void {
  program
    .command('reload')
    .description(
      'replace each instance by a fresh run that is ready before the old one stops (zero-downtime restart)',
    )
    .argument(
      '<target>',
      'app name, id, name:index, all, or a config file (applies it, reloading the apps whose definition changed)',
    )
    .option('--parallel <count>', 'instances replaced at once', parallelOption, 1)
    .option('--json', 'print the instances as JSON')
    .addOption(waitFlag())
    .action(async (text: string, options: ReloadOptions) => {
      const { parallel } = options;
      const waitMs = waitTimeout(options.wait);
      const infos = isConfigPath(text)
        ? await reloadConfig(text, parallel, waitMs)
        : await withDaemon(async (client) => {
            const reloaded = await client.request({ type: 'reload', target: parseTarget(text), parallel });
            return waitUntilReady(client, reloaded, waitMs);
          });
      printSummary(infos, { json: Boolean(options.json), startsRuns: true });
    });
}
