// The saved app list: `pm save` writes the full AppSpecs (env values included, so the file is 0600
// and replaced atomically, the previous one kept as .bak) and the daemon-wide settings that config
// files applied; `pm resurrect` reads them back.
//
// `settings:` is optional and the format stays version 1: a dump written before it existed reads
// as one without settings, and an older pm reading a new dump sees its apps (it ignores the key).
import fs from 'node:fs';
import { parse, stringify } from 'yaml';
import type { AppSpec } from '../protocol/app-spec.js';
import type { DaemonSettingsChange } from '../protocol/daemon-settings.js';
import { PmError } from '../protocol/errors.js';
import { daemonSettingsChange } from '../protocol/validate-request.js';
import { writeFileAtomic } from './write-file-atomic.js';

const FORMAT_VERSION = 1;

/** What a dump holds. */
export interface SavedDump {
  apps: AppSpec[];
  /** Only what config files applied (the daemon's environment gives the rest); {} when none. */
  settings: DaemonSettingsChange;
}

/** What to do about a dump that cannot be used: restore the backup only if there is one. */
function remedy(file: string): string {
  return fs.existsSync(`${file}.bak`)
    ? `restore ${file}.bak, or run \`pm save\` again`
    : 'run `pm save` again';
}

function parseDump(file: string, text: string): SavedDump {
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    throw new PmError('bad-config', `${file} is not valid YAML: ${remedy(file)}`, {
      cause: error,
    });
  }
  const { version, apps, settings } = (data ?? {}) as {
    version?: unknown;
    apps?: unknown;
    settings?: unknown;
  };
  const valid =
    version === FORMAT_VERSION &&
    Array.isArray(apps) &&
    apps.every((app) => typeof (app as Partial<AppSpec> | null)?.name === 'string');
  if (!valid) {
    throw new PmError(
      'bad-config',
      `${file} is not a pm dump (version ${FORMAT_VERSION} with apps:): ${remedy(file)}`,
    );
  }
  return { apps: apps as AppSpec[], settings: parseSettings(file, settings) };
}

/** The same check as the daemon's for an apply (unknown keys are dropped, as it drops them). */
function parseSettings(file: string, settings: unknown): DaemonSettingsChange {
  if (settings === undefined) return {};
  try {
    return daemonSettingsChange(settings, 'settings');
  } catch (error) {
    const why = error instanceof PmError ? error.message : String(error);
    throw new PmError('bad-config', `${file}: ${why}: ${remedy(file)}`, {
      cause: error,
    });
  }
}

/** The saved apps and settings; the daemon checks each AppSpec in full when they are applied. */
export function readDump(file: string): SavedDump {
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
    return readDump(file).apps.length;
  } catch (error) {
    return error instanceof PmError && error.code === 'not-found' ? 0 : 'unreadable';
  }
}

/**
 * Writes the dump; refuses to replace a non-empty one with no apps unless `force` (a save after a
 * crash would lose them), whatever the settings. `settings:` is written only when some are set.
 */
export function writeDump(file: string, dump: SavedDump, { force }: { force: boolean }): void {
  const { apps, settings } = dump;
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
  const header = `# Written by \`pm save\` at ${new Date().toISOString()}; \`pm resurrect\` brings these apps and settings back.\n# It holds environment values: keep it private (mode 0600).\n`;
  const body = {
    version: FORMAT_VERSION,
    ...(Object.keys(settings).length > 0 && { settings }),
    apps,
  };
  writeFileAtomic(file, header + stringify(body, { lineWidth: 0 }), { mode: 0o600, backup: `${file}.bak` });
}
