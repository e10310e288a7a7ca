// `pm resurrect`: bring back the apps of $PM_HOME/dump.yaml; apps already running are left alone.
import type { Command } from 'commander';
import { readDump } from '../../config/dump-file.js';
import { resolvePaths } from '../../config/paths.js';
import type { ProcessInfo } from '../../protocol/process-info.js';
import { printSummary } from '../output/summary.js';
import { withDaemon } from '../session.js';

const isRunning = (p: ProcessInfo) => p.status !== 'stopped' && p.status !== 'errored';

async function resurrect(options: { json?: boolean }): Promise<void> {
  const { dumpFile } = resolvePaths();
  const saved = readDump(dumpFile);
  const { infos, running } = await withDaemon(async (client) => {
    const running = new Set((await client.request({ type: 'list' })).filter(isRunning).map((p) => p.name));
    const apps = saved.filter((app) => !running.has(app.name));
    const infos = apps.length > 0 ? await client.request({ type: 'apply', apps }) : [];
    return { infos, running: saved.filter((app) => running.has(app.name)).map((app) => app.name) };
  });
  printSummary(infos, { json: Boolean(options.json) });
  if (!options.json && running.length > 0) {
    process.stdout.write(`already running, left alone: ${running.join(', ')}\n`);
  }
}

export function registerResurrect(program: Command): void {
  program
    .command('resurrect')
    .description('start the apps saved by `pm save` (apps already running are left alone)')
    .option('--json', 'print the started instances as JSON')
    .action(resurrect);
}
