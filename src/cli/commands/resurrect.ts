// `pm resurrect`: bring back the apps and daemon-wide settings of $PM_HOME/dump.yaml; apps already
// running, and settings a config file has applied to this daemon since, are left alone.
import type { Command } from 'commander';
import { readDump } from '../../config/dump-file.js';
import { resolvePaths } from '../../config/paths.js';
import type { DaemonSettingsChange } from '../../protocol/daemon-settings.js';
import type { ProcessInfo } from '../../protocol/process-info.js';
import { describeSettings } from '../output/settings-text.js';
import { printSummary } from '../output/summary.js';
import { withDaemon } from '../session.js';

const isRunning = (p: ProcessInfo) => p.status !== 'stopped' && p.status !== 'errored';

/** The saved settings this daemon has not had applied (it started from its environment's values). */
function missingSettings(saved: DaemonSettingsChange, applied: DaemonSettingsChange): DaemonSettingsChange {
  return Object.fromEntries(
    Object.entries(saved).filter(([key]) => applied[key as keyof DaemonSettingsChange] === undefined),
  );
}

async function resurrect(options: { json?: boolean }): Promise<void> {
  const { dumpFile } = resolvePaths();
  const saved = readDump(dumpFile);
  const { infos, running, settings } = await withDaemon(async (client) => {
    const [list, ping] = await Promise.all([
      client.request({ type: 'list' }),
      client.request({ type: 'ping' }),
    ]);
    const running = new Set(list.filter(isRunning).map((p) => p.name));
    const apps = saved.apps.filter((app) => !running.has(app.name));
    const settings = missingSettings(saved.settings, ping.appliedSettings);
    const hasSettings = Object.keys(settings).length > 0;
    // The settings go with the apps, as `pm start` sends a config's: a Prometheus port that cannot
    // be served refuses the whole request (exit 1, nothing changed).
    const infos =
      apps.length > 0 || hasSettings
        ? await client.request({ type: 'apply', apps, ...(hasSettings && { settings }) })
        : [];
    return {
      infos,
      running: saved.apps.filter((app) => running.has(app.name)).map((app) => app.name),
      settings,
    };
  });
  printSummary(infos, { json: Boolean(options.json) });
  if (options.json) return;
  if (running.length > 0) process.stdout.write(`already running, left alone: ${running.join(', ')}\n`);
  const described = describeSettings(settings);
  if (described) process.stdout.write(`daemon settings applied: ${described}\n`);
}

export function registerResurrect(program: Command): void {
  program
    .command('resurrect')
    .description('start the apps saved by `pm save` and apply its daemon settings (what runs is left alone)')
    .option('--json', 'print the started instances as JSON')
    .action(resurrect);
}
