// `pm flush [target]`: empty the current log files (rotated files stay).
import type { Command } from 'commander';
import { parseTarget } from '../../protocol/target.js';
import { withDaemon } from '../session.js';

export function registerFlush(program: Command): void {
  program
    .command('flush')
    .description('empty the current log files of all or some instances')
    .argument('[target]', 'app name, id, name:index or "all"', 'all')
    .action(async (target: string) => {
      const { files } = await withDaemon((client) =>
        client.request({ type: 'flush', target: parseTarget(target) }),
      );
      process.stdout.write(`emptied ${files.length} log file${files.length === 1 ? '' : 's'}\n`);
      for (const file of files) process.stdout.write(`  ${file}\n`);
    });
}
