import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { buildAppSpec } from '../../../src/config/build-app-spec.js';
import { readDump, writeDump } from '../../../src/config/dump-file.js';
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
  writeDump(file, apps, { force: false });
  assert.deepEqual(readDump(file), apps);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
});

test('saving again keeps the previous dump as dump.yaml.bak, also 0600, and leaves no temp file', () => {
  writeDump(file, [spec('old')], { force: false });
  writeDump(file, [spec('new')], { force: false });
  assert.deepEqual(
    readDump(`${file}.bak`).map((app) => app.name),
    ['old'],
  );
  assert.deepEqual(
    readDump(file).map((app) => app.name),
    ['new'],
  );
  assert.equal(fs.statSync(`${file}.bak`).mode & 0o777, 0o600);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['dump.yaml', 'dump.yaml.bak']);
});

test('an empty list does not replace a non-empty dump without force', () => {
  writeDump(file, [spec('web')], { force: false });
  assert.equal(
    codeOf(() => writeDump(file, [], { force: false })),
    'conflict',
  );
  assert.deepEqual(
    readDump(file).map((app) => app.name),
    ['web'],
  );
  writeDump(file, [], { force: true });
  assert.deepEqual(readDump(file), []);
});

test('an empty list may be saved when there is no dump or an empty one, and an unreadable dump is protected', () => {
  writeDump(file, [], { force: false });
  writeDump(file, [], { force: false });
  fs.writeFileSync(file, 'not: [valid');
  assert.equal(
    codeOf(() => writeDump(file, [], { force: false })),
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
