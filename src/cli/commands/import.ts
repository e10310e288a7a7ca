// `pm import pm2 <ecosystem file> [-o pm.yaml]`: translate a PM2 ecosystem file into a pm config.
// Runs in the CLI alone: no daemon is needed, and none is started.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { loadEcosystem } from '../../config/pm2-import/load-ecosystem.js';
import { renderConfig } from '../../config/pm2-import/render-yaml.js';
import { translateEcosystem } from '../../config/pm2-import/translate-ecosystem.js';
import { writeFileAtomic } from '../../config/write-file-atomic.js';
import { PmError } from '../../protocol/errors.js';
import { printWarnings } from '../output/warnings.js';

interface ImportOptions {
  output?: string;
  force?: boolean;
}

const SOURCES = ['pm2'];

const isFile = (file: string): boolean => fs.statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;

function writeOutput(file: string, text: string, force: boolean | undefined): void {
  if (!force && fs.existsSync(file)) {
    throw new PmError(
      'conflict',
      `${file} already exists: add --force to replace it, or give another -o file`,
    );
  }
  try {
    writeFileAtomic(file, text, { mode: 0o644 });
  } catch (error) {
    throw new PmError('bad-request', `cannot write ${file}: ${(error as Error).message}`, { cause: error });
  }
}

function importConfig(source: string, file: string, options: ImportOptions): void {
  if (!SOURCES.includes(source)) {
    throw new PmError(
      'bad-request',
      `cannot import from "${source}": the only source is pm2 (pm import pm2 <file>)`,
    );
  }
  const ecosystem = loadEcosystem(file);
  const output = options.output;
  const { apps, warnings } = translateEcosystem(ecosystem, {
    sourceDir: path.dirname(path.resolve(file)),
    outputDir: path.resolve(output ? path.dirname(output) : '.'),
    cpus: os.availableParallelism(),
    isFile,
  });
  const text = renderConfig({
    apps,
    warnings,
    source: file,
    output: output ?? 'pm.yaml',
    now: new Date(),
    computed: /\.c?js$/i.test(file),
  });
  printWarnings(warnings);
  if (!output) {
    process.stdout.write(text);
    return;
  }
  writeOutput(output, text, options.force);
  process.stdout.write(
    `wrote ${output}: check it with \`pm validate ${output}\`, run it with \`pm start ${output}\`\n`,
  );
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description(
      "translate another process manager's config into a pm config (from PM2: pm import pm2 ecosystem.config.js)",
    )
    .argument('<source>', 'what the file is from: pm2')
    .argument('<file>', 'the ecosystem file (.js, .cjs, .json, .yaml or .yml)')
    .option('-o, --output <file>', 'write the pm config to this file (default: stdout)')
    .option('--force', 'replace the output file if it exists')
    .action(importConfig);
}
