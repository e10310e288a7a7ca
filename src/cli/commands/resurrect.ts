// `pm resurrect`: bring back the apps and daemon-wide settings of $PM_HOME/dump.yaml; apps already
// running, and settings a config file has applied to this daemon since, are left alone.
import type { Command } from 'commander';
import { readDump } from '../../config/dump-file.js';
import { resolvePaths } from '../../config/paths.js';
import type { DaemonSettingsChange } from '../../protocol/daemon-settings.js';
import { PmError } from '../../protocol/errors.js';
import type { ProcessInfo } from '../../protocol/process-info.js';
import { applyInBatches } from '../apply-batches.js';
import { describeSettings } from '../output/settings-text.js';
import { printSummary } from '../output/summary.js';
import { failCommand, withDaemon } from '../session.js';

const isRunning = (p: ProcessInfo) => p.pid !== null || p.status === 'waiting-restart';

/** The saved settings this daemon has not had applied (it started from its environment's values). */
function missingSettings(saved: DaemonSettingsChange, applied: DaemonSettingsChange): DaemonSettingsChange {
  return Object.fromEntries(
    Object.entries(saved).filter(([key]) => applied[key as keyof DaemonSettingsChange] === undefined),
  );
}

async function resurrect(options: { json?: boolean }): Promise<void> {
  const { dumpFile } = resolvePaths();
  const saved = readDump(dumpFile);
  const { infos, running, settings, settingsError } = await withDaemon(async (client) => {
    const [list, ping] = await Promise.all([
      client.request({ type: 'list' }),
      client.request({ type: 'ping' }),
    ]);
    const running = new Set(list.filter(isRunning).map((p) => p.name));
    const apps = saved.apps.filter((app) => !running.has(app.name));
    const settings = missingSettings(saved.settings, ping.appliedSettings);
    const infos =
      apps.length > 0 ? (await applyInBatches(client, apps, undefined, { force: true })).instances : [];
    // Apart from the apps, unlike `pm start` with a config: at boot, a Prometheus port that another
    // program took must not keep the apps from starting.
    let settingsError: string | null = null;
    if (Object.keys(settings).length > 0) {
      try {
        await client.request({ type: 'apply', apps: [], settings });
      } catch (error) {
        if (!(error instanceof PmError)) throw error;
        settingsError = error.message;
      }
    }
    return {
      infos,
      running: saved.apps.filter((app) => running.has(app.name)).map((app) => app.name),
      settings,
      settingsError,
    };
  });
  printSummary(infos, { json: Boolean(options.json) });
  if (settingsError !== null) failCommand(`the apps were started, the daemon settings not: ${settingsError}`);
  if (options.json) return;
  if (running.length > 0) process.stdout.write(`already running, left alone: ${running.join(', ')}\n`);
  const described = describeSettings(settings);
  if (described && settingsError === null) process.stdout.write(`daemon settings applied: ${described}\n`);
}

export function registerResurrect(program: Command): void {
  program
    .command('resurrect')
    .description('start the apps saved by `pm save` and apply its daemon settings (what runs is left alone)')
    .option('--json', 'print the started instances as JSON')
    .action(resurrect);
}
