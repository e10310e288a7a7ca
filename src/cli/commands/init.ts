// `pm init [file]`: write a commented example config to start from; never overwrites.
import fs from 'node:fs';
import type { Command } from 'commander';
import { PmError } from '../../protocol/errors.js';
import { INIT_TEMPLATE } from './init-template.js';

function init(file: string): void {
  try {
    fs.writeFileSync(file, INIT_TEMPLATE, { flag: 'wx', mode: 0o644 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new PmError(
        'conflict',
        `${file} already exists: edit it, or give another name (pm init other.yaml)`,
      );
    }
    throw new PmError('bad-request', `cannot write ${file}: ${(error as Error).message}`, { cause: error });
  }
  process.stdout.write(
    `wrote ${file}: edit it, check it with \`pm validate ${file}\`, run it with \`pm start ${file}\`\n`,
  );
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('write a commented example config file (never overwrites)')
    .argument('[file]', 'where to write it', 'pm.yaml')
    .action(init);
}
