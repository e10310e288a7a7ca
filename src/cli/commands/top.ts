// `pm top`: the live view. ink and react are imported here, on demand, so that no other command
// pays for loading them.

import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { resolvePaths } from '../../config/paths.js';
import { packageRoot } from '../../installed-package.js';
import { printNotices } from '../session.js';

export function registerTop(program: Command): void {
  program
    .command('top')
    .alias('monit')
    .description('live view of every instance: state, health, cpu and memory with sparklines; keys to act')
    .option('--once', 'print one snapshot table and exit (what happens anyway when stdout is not a terminal)')
    .action(async (options: { once?: boolean }) => {
      if (options.once || !process.stdout.isTTY || !process.stdin.isTTY) {
        const { printSnapshot } = await import('../../top/print-snapshot.js');
        await printSnapshot();
        return;
      }
      const { DaemonFeed } = await import('../../top/daemon-feed.js');
      const feed = await DaemonFeed.connect(resolvePaths());
      // ink draws nothing live when CI is set (it assumes a log file), but this is a terminal.
      for (const key of ['CI', 'CONTINUOUS_INTEGRATION']) if (key in process.env) process.env[key] = 'false';
      // By path, not by specifier: the bundled CLI must not take in ink (ESM-only) with the view.
      // The bundle cannot run import() itself (bin/load-bundle.cjs): bin/import-esm.cjs does it.
      const runTopUrl = pathToFileURL(path.join(packageRoot(), 'dist/src/top/run-top.js')).href;
      const importEsm = createRequire(import.meta.url)(path.join(packageRoot(), 'bin/import-esm.cjs')) as (
        url: string,
      ) => Promise<typeof import('../../top/run-top.js')>;
      const { runTop } = await importEsm(runTopUrl);
      await runTop(feed);
      printNotices(feed.notices);
    });
}
