import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { stringify } from 'yaml';
import { buildAppSpec } from '../../../src/config/app-spec/build-app-spec.js';
import { readDump, type SavedDump, writeDump } from '../../../src/config/dump-file.js';
import type { AppSpec } from '../../../src/protocol/app-spec.js';
import { PmError } from '../../../src/protocol/errors.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-dump-'));
  file = path.join(dir, 'dump.yaml');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const spec = (name: string, env: Record<string, string> = {}) =>
  buildAppSpec({ name, script: 'sleep 60', env }, { baseDir: '/', baseEnv: { PATH: '/usr/bin' } });

/** A dump of these apps and no settings. */
const only = (apps: AppSpec[]): SavedDump => ({ apps, settings: {} });

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof PmError);
    return error.code;
  }
  return undefined;
}

test('a saved dump reads back as the same AppSpecs, env values unmasked, in a file of mode 0600', () => {
  const apps = [
    spec('web', { API_TOKEN: 's3cret', PORT: '3000', ODD: 'yes: "quoted"\nnext' }),
    spec('worker'),
  ];
  writeDump(file, { apps, settings: {} }, { force: false });
  assert.deepEqual(readDump(file), { apps, settings: {} });
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
});

test('saving again keeps the previous dump as dump.yaml.bak, also 0600, and leaves no temp file', () => {
  writeDump(file, only([spec('old')]), { force: false });
  writeDump(file, only([spec('new')]), { force: false });
  assert.deepEqual(
    readDump(`${file}.bak`).apps.map((app) => app.name),
    ['old'],
  );
  assert.deepEqual(
    readDump(file).apps.map((app) => app.name),
    ['new'],
  );
  assert.equal(fs.statSync(`${file}.bak`).mode & 0o777, 0o600);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['dump.yaml', 'dump.yaml.bak']);
});

test('an empty list does not replace a non-empty dump without force', () => {
  writeDump(file, only([spec('web')]), { force: false });
  assert.equal(
    codeOf(() => writeDump(file, only([]), { force: false })),
    'conflict',
  );
  assert.deepEqual(
    readDump(file).apps.map((app) => app.name),
    ['web'],
  );
  writeDump(file, only([]), { force: true });
  assert.deepEqual(readDump(file), only([]));
});

test('an empty list may be saved when there is no dump or an empty one, and an unreadable dump is protected', () => {
  writeDump(file, only([]), { force: false });
  writeDump(file, only([]), { force: false });
  fs.writeFileSync(file, 'not: [valid');
  assert.equal(
    codeOf(() => writeDump(file, only([]), { force: false })),
    'conflict',
  );
});

test('reading a missing dump says to save first; a foreign file says it is not a dump', () => {
  assert.equal(
    codeOf(() => readDump(file)),
    'not-found',
  );
  fs.writeFileSync(file, 'apps: 3\n');
  assert.equal(
    codeOf(() => readDump(file)),
    'bad-config',
  );
});

test('the daemon settings round-trip under settings:, a port turned off included', () => {
  const apps = [spec('web')];
  for (const settings of [
    { metricsIntervalMs: 300, prometheusPort: 9209 },
    { metricsIntervalMs: 0, prometheusPort: null },
    { prometheusPort: 9100 },
  ]) {
    writeDump(file, { apps, settings }, { force: false });
    assert.deepEqual(readDump(file), { apps, settings });
  }
  assert.match(fs.readFileSync(file, 'utf8'), /^version: 1\nsettings:\n {2}prometheusPort: 9100\napps:/m);
});

test('no settings: no settings: key, and the dump still reads as version 1', () => {
  writeDump(file, only([spec('web')]), { force: false });
  const text = fs.readFileSync(file, 'utf8');
  assert.doesNotMatch(text, /^settings:/m);
  assert.match(text, /^version: 1$/m);
});

test('a version 1 dump written before settings existed reads with no settings', () => {
  const apps = [spec('web'), spec('worker', { QUEUE: 'emails' })];
  // What `pm save` wrote before settings: a header, version and apps only.
  fs.writeFileSync(file, `# Written by \`pm save\`\n${stringify({ version: 1, apps }, { lineWidth: 0 })}`);
  assert.deepEqual(readDump(file), { apps, settings: {} });
});

test('malformed settings are refused with one line that names the file and the key', () => {
  const apps = [spec('web')];
  for (const [settings, why] of [
    [{ metricsIntervalMs: '300ms' }, /settings\.metricsIntervalMs: expected an integer/],
    [{ metricsIntervalMs: 5 }, /settings\.metricsIntervalMs: expected 0 or at least 100, found 5/],
    [{ prometheusPort: 70_000 }, /settings\.prometheusPort: expected an integer in 1\.\.65535/],
    ['fast', /settings: expected an object, found string/],
    [null, /settings: expected an object, found null/],
    [[300], /settings: expected an object, found an array/],
  ] as const) {
    fs.writeFileSync(file, stringify({ version: 1, settings, apps }));
    try {
      readDump(file);
      assert.fail(`accepted ${JSON.stringify(settings)}`);
    } catch (error) {
      assert.ok(error instanceof PmError, String(error));
      assert.equal(error.code, 'bad-config');
      assert.match(error.message, why);
      assert.ok(error.message.startsWith(`${file}: `), error.message);
      // No backup was ever written: nothing to restore, so none is suggested.
      assert.match(error.message, /: run `pm save` again$/);
      assert.doesNotMatch(error.message, /\n/);
    }
  }
});

test('a dump that cannot be used suggests its .bak only when there is one', () => {
  fs.writeFileSync(file, 'apps: [');
  assert.throws(() => readDump(file), { message: `${file} is not valid YAML: run \`pm save\` again` });
  fs.writeFileSync(`${file}.bak`, stringify({ version: 1, apps: [spec('web')] }));
  assert.throws(() => readDump(file), {
    message: `${file} is not valid YAML: restore ${file}.bak, or run \`pm save\` again`,
  });
});

test('a dump with malformed settings is protected from an empty save like any unreadable dump', () => {
  fs.writeFileSync(file, stringify({ version: 1, settings: { prometheusPort: 'x' }, apps: [spec('web')] }));
  assert.equal(
    codeOf(() => writeDump(file, { apps: [], settings: { metricsIntervalMs: 300 } }, { force: false })),
    'conflict',
  );
  writeDump(file, { apps: [], settings: { metricsIntervalMs: 300 } }, { force: true });
  assert.deepEqual(readDump(file), { apps: [], settings: { metricsIntervalMs: 300 } });
});

test('settings alone do not let an empty app list replace saved apps', () => {
  writeDump(file, only([spec('web')]), { force: false });
  assert.equal(
    codeOf(() => writeDump(file, { apps: [], settings: { metricsIntervalMs: 300 } }, { force: false })),
    'conflict',
  );
});
