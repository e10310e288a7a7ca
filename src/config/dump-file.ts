// The saved app list: `pm save` writes the full AppSpecs (env values included, so the file is 0600
// and replaced atomically, the previous one kept as .bak); `pm resurrect` reads them back.
import fs from 'node:fs';
import { parse, stringify } from 'yaml';
import type { AppSpec } from '../protocol/app-spec.js';
import { PmError } from '../protocol/errors.js';
import { writeFileAtomic } from './write-file-atomic.js';

const FORMAT_VERSION = 1;

function parseDump(file: string, text: string): AppSpec[] {
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    throw new PmError(
      'bad-config',
      `${file} is not valid YAML: restore ${file}.bak, or run \`pm save\` again`,
      {
        cause: error,
      },
    );
  }
  const { version, apps } = (data ?? {}) as { version?: unknown; apps?: unknown };
  const valid =
    version === FORMAT_VERSION &&
    Array.isArray(apps) &&
    apps.every((app) => typeof (app as Partial<AppSpec> | null)?.name === 'string');
  if (!valid) {
    throw new PmError(
      'bad-config',
      `${file} is not a pm dump (version ${FORMAT_VERSION} with apps:): restore ${file}.bak`,
    );
  }
  return apps as AppSpec[];
}

/** The saved apps; the daemon checks each AppSpec in full when they are applied. */
export function readDump(file: string): AppSpec[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new PmError('not-found', `nothing saved yet (${file} does not exist): run \`pm save\` first`);
    }
    throw new PmError('bad-request', `cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  return parseDump(file, text);
}

/** How many apps the current dump holds: 0 when there is none, 'unreadable' when it cannot be parsed. */
function savedAppCount(file: string): number | 'unreadable' {
  try {
    return readDump(file).length;
  } catch (error) {
    return error instanceof PmError && error.code === 'not-found' ? 0 : 'unreadable';
  }
}

/** Writes the dump; refuses to replace a non-empty one with nothing unless `force` (a save after a crash would lose it). */
export function writeDump(file: string, apps: AppSpec[], { force }: { force: boolean }): void {
  if (apps.length === 0 && !force) {
    const saved = savedAppCount(file);
    if (saved !== 0) {
      const what = saved === 'unreadable' ? 'an unreadable dump' : `${saved} saved apps`;
      throw new PmError(
        'conflict',
        `no apps are defined, and ${file} holds ${what}: start your apps first, or pass --force to save the empty list`,
      );
    }
  }
  const header = `# Written by \`pm save\` at ${new Date().toISOString()}; \`pm resurrect\` brings these apps back.\n# It holds environment values: keep it private (mode 0600).\n`;
  const text = header + stringify({ version: FORMAT_VERSION, apps }, { lineWidth: 0 });
  writeFileAtomic(file, text, { mode: 0o600, backup: `${file}.bak` });
}
