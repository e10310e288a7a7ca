// `pm export kubernetes|systemd <config>`: the apps of a config file as the manifests or units of
// the engine they move to, with a report of every key that could not be mapped (--strict: an error).
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../../config/write-file-atomic.js';
import type { ExportResult } from '../../export/export-result.js';
import { PmError } from '../../protocol/errors.js';
import { printWarnings } from '../output/warnings.js';

interface ExportOptions {
  output?: string;
  env?: string;
  strict?: boolean;
  image?: string;
  namespace?: string;
  user?: boolean;
}

async function exportTo(target: string, file: string, options: ExportOptions): Promise<ExportResult> {
  const { loadConfig } = await import('../../config/file/load-config.js');
  const { apps, warnings } = loadConfig(file, { profile: options.env });
  printWarnings(warnings);
  if (target === 'kubernetes') {
    const { exportKubernetes } = await import('../../export/kubernetes/export-kubernetes.js');
    return exportKubernetes(apps, { image: options.image, namespace: options.namespace, file });
  }
  if (target === 'systemd') {
    const { exportSystemd } = await import('../../export/systemd/export-systemd.js');
    return exportSystemd(apps, { user: Boolean(options.user), file });
  }
  throw new PmError('bad-request', `found "${target}": expected kubernetes or systemd`);
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description(
      'write the apps of a config file as Kubernetes manifests or systemd units (docs/scale-out.md)',
    )
    .argument('<target>', 'kubernetes or systemd')
    .argument('<config>', 'a pm config file')
    .option('-o, --output <dir>', 'write one file per object into this directory (default: stdout)')
    .option('-e, --env <profile>', "use each app's env_<profile>:")
    .option('--strict', 'exit 1 when a key of the config could not be mapped')
    .option('--image <image>', 'kubernetes: the container image of every app (default: a placeholder)')
    .option('--namespace <ns>', 'kubernetes: the namespace of every object')
    .option('--user', 'systemd: user units (systemctl --user) instead of system units')
    .action(async (target: string, file: string, options: ExportOptions) => {
      const { files, report } = await exportTo(target, file, options);
      for (const line of report) process.stderr.write(`pm: not mapped: ${line}\n`);
      if (options.output) {
        fs.mkdirSync(options.output, { recursive: true });
        for (const out of files)
          writeFileAtomic(path.join(options.output, out.name), out.content, { mode: 0o644 });
        process.stdout.write(`wrote ${files.length} files to ${options.output}\n`);
      } else {
        process.stdout.write(files.map((out) => `# ${out.name}\n${out.content}`).join('\n'));
      }
      if (options.strict && report.length > 0)
        throw new PmError('bad-config', `${report.length} keys could not be mapped (--strict)`);
    });
}
