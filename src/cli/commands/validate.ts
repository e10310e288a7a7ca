// `pm validate <config>`: every check of `pm start config.yaml`, with nothing started or changed.
import type { Command } from 'commander';
import { configJsonSchema } from '../../config/file/config-json-schema.js';
import { loadConfig } from '../../config/file/load-config.js';
import type { AppSpec } from '../../protocol/app-spec.js';
import { PmError } from '../../protocol/errors.js';
import { escapeText } from '../../protocol/escape-text.js';
import { describeSettings } from '../output/settings-text.js';
import { printWarnings } from '../output/warnings.js';

interface ValidateOptions {
  env?: string;
  only?: string;
  json?: boolean;
  schema?: boolean;
}

function describeApp(spec: AppSpec): string {
  const count = spec.pool
    ? `pool of ${spec.pool.minSize} to ${spec.pool.maxSize}`
    : `${spec.instances} instance${spec.instances === 1 ? '' : 's'}`;
  const probes = spec.health.map((probe) => `${probe.check.type} ${probe.kind} probe`);
  const once = spec.type === 'task' ? ['a task'] : spec.recovery.autoRestart === 'never' ? ['runs once'] : [];
  return `  ${spec.name}: ${[count, spec.run.display, ...probes, ...once].join(', ')}`;
}

async function validate(file: string | undefined, options: ValidateOptions): Promise<void> {
  if (options.schema) {
    process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    return;
  }
  if (file === undefined)
    throw new PmError('bad-request', 'give the config file to check: pm validate pm.yaml');
  const only = options.only?.split(',').filter(Boolean);
  const { apps, settings, warnings } = loadConfig(file, { profile: options.env, only });
  printWarnings(warnings);
  if (options.json) {
    // The inherited environment is the shell's, not the file's: left out.
    const shown = apps.map(({ baseEnv: _baseEnv, ...spec }) => spec);
    process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    return;
  }
  const lines = [
    `${file} is valid: ${apps.length} app${apps.length === 1 ? '' : 's'}`,
    ...apps.map(describeApp),
    ...(Object.keys(settings).length > 0 ? [`  daemon: ${describeSettings(settings)}`] : []),
  ];
  process.stdout.write(`${escapeText(lines.join('\n'), '\n')}\n`);
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check a config file as `pm start` would, without starting or changing anything')
    .argument('[config]', 'the config file (YAML)')
    .option('-e, --env <profile>', "check with each app's env_<profile>: applied")
    .option('--only <apps>', 'report only these apps (comma-separated; the whole file is still checked)')
    .option('--json', 'print the resulting app definitions as JSON')
    .option('--schema', 'print the JSON Schema of the config format (for editors)')
    .action(validate);
}
