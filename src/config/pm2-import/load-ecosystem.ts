// Read a PM2 ecosystem file the way PM2 does: a .js/.cjs file is a CommonJS module that may compute
// its values (so it is required, not parsed), .json is JSON, .yaml/.yml is YAML. Whatever the
// format, the result is the list of app objects, as PM2 would see it before applying defaults.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { PmError } from '../../protocol/errors.js';

/** One app of the file, its keys as PM2 wrote them. */
export type Pm2App = Record<string, unknown>;

export interface Ecosystem {
  apps: Pm2App[];
  /** The top-level keys beside `apps` (`deploy`): pm has nothing for them. */
  otherKeys: string[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Only the first line: a stack or a code frame would not fit the one-line error of the CLI. */
const firstLine = (text: string): string => text.split('\n').find((line) => line.trim() !== '') ?? text;

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if ((error as NodeJS.ErrnoException).code === 'ERR_REQUIRE_ESM') {
    return 'it is an ES module (its package.json says "type": "module"): rename it .cjs, as PM2 needs too';
  }
  // Node puts the file:line of a syntax error on the first line of its stack, not in its message.
  const where = error instanceof SyntaxError ? /^(\/.*:\d+)$/m.exec(error.stack ?? '')?.[1] : undefined;
  return where ? `${error.message} (at ${where})` : firstLine(error.message);
}

function readModule(file: string): unknown {
  return createRequire(file)(file);
}

function readData(file: string): unknown {
  const text = fs.readFileSync(file, 'utf8');
  return /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
}

/** PM2 accepts `{ apps: [...] }`, `{ apps: {...} }` (one app) and a bare array of apps. */
function appsOf(loaded: unknown): { apps: unknown[]; otherKeys: string[] } | undefined {
  if (Array.isArray(loaded)) return { apps: loaded, otherKeys: [] };
  if (!isObject(loaded) || loaded.apps === undefined) return undefined;
  const otherKeys = Object.keys(loaded).filter((key) => key !== 'apps');
  return { apps: Array.isArray(loaded.apps) ? loaded.apps : [loaded.apps], otherKeys };
}

export function loadEcosystem(file: string): Ecosystem {
  const absolute = path.resolve(file);
  const fail = (why: string) => new PmError('bad-config', `${file}: ${why}`);
  if (!/\.(c?js|json|ya?ml)$/i.test(absolute)) {
    throw fail('expected a PM2 ecosystem file ending in .js, .cjs, .json, .yaml or .yml');
  }
  if (!fs.statSync(absolute, { throwIfNoEntry: false })?.isFile()) throw fail('no such file');
  let loaded: unknown;
  try {
    loaded = /\.c?js$/i.test(absolute) ? readModule(absolute) : readData(absolute);
  } catch (error) {
    throw fail(`cannot load it: ${describeError(error)}`);
  }
  const found = appsOf(loaded);
  if (!found || found.apps.length === 0) {
    throw fail('no apps: expected { apps: [...] } (module.exports in a .js file) or a list of apps');
  }
  const bad = found.apps.findIndex((app) => !isObject(app));
  if (bad >= 0) throw fail(`apps[${bad}] is not an object of options`);
  // PM2 refuses an app without a script ("No script path"): there is nothing to translate.
  const scriptless = found.apps.findIndex((app) => {
    const { script, exec } = app as Pm2App;
    return typeof (script ?? exec) !== 'string' || String(script ?? exec).trim() === '';
  });
  if (scriptless >= 0) throw fail(`apps[${scriptless}] has no script (PM2 refuses it too)`);
  return { apps: found.apps as Pm2App[], otherKeys: found.otherKeys };
}
