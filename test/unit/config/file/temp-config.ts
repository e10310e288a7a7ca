// Config files in a temp directory, and the error lines a load produces, for the loader's tests.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type LoadOptions, loadConfig } from '../../../../src/config/file/load-config.js';
import { PmError } from '../../../../src/protocol/errors.js';

const dirs: string[] = [];

/** Writes `pm.yaml` (and any other files, e.g. scripts) into a fresh directory; returns the config path. */
export function writeConfig(yaml: string, files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-config-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries({ 'server.js': '', ...files })) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  const file = path.join(dir, 'pm.yaml');
  fs.writeFileSync(file, yaml);
  return file;
}

export function removeConfigs(): void {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Loads with an empty inherited env, so that specs compare without the test runner's env. */
export function load(file: string, options: LoadOptions = {}) {
  return loadConfig(file, { baseEnv: {}, ...options });
}

/** The error lines of a load that must fail with a bad-config error. */
export function errorLines(file: string, options: LoadOptions = {}): string[] {
  try {
    load(file, options);
  } catch (error) {
    assert.ok(error instanceof PmError, String(error));
    assert.equal(error.code, 'bad-config');
    return error.message.split('\n');
  }
  assert.fail(`${file} loaded, expected errors`);
}

/** The one error line about `keyPath`; fails when there is none or several. */
export function errorAt(file: string, keyPath: string, options: LoadOptions = {}): string {
  const lines = errorLines(file, options);
  const matching = lines.filter((line) => line.includes(`: ${keyPath}: `));
  assert.equal(matching.length, 1, `one error at ${keyPath}, got:\n${lines.join('\n')}`);
  return matching[0]!;
}
