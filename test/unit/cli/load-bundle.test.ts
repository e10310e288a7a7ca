// bin/load-bundle.cjs: a bundle runs the same with or without its code cache; the cache is written
// once, rewritten when V8 rejects it, and never needed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { ROOT } from '../../helpers/run-cli.js';

const LOADER = path.join(ROOT, 'bin/load-bundle.cjs');
let dir: string;
let bundle: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-load-bundle-'));
  bundle = path.join(dir, 'app.cjs');
  fs.writeFileSync(
    bundle,
    "exports.name = require('node:path').basename(__filename);\nprocess.stdout.write(exports.name + ' ' + (module.exports === exports));\n",
  );
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const run = () =>
  execFileSync(
    process.execPath,
    ['-e', `require(${JSON.stringify(LOADER)}).loadBundle(${JSON.stringify(bundle)})`],
    {
      encoding: 'utf8',
    },
  );
const caches = () => (fs.existsSync(path.join(dir, 'cache')) ? fs.readdirSync(path.join(dir, 'cache')) : []);

test('the first run writes the cache, the next runs use it and write nothing', () => {
  assert.equal(run(), 'app.cjs true');
  const [cache] = caches();
  assert.match(cache ?? '', /^app\.cjs-\d+-\d+-v\d+\.\d+\.\d+-[0-9a-f]+\.bin$/);
  const written = fs.statSync(path.join(dir, 'cache', cache!)).mtimeMs;
  assert.equal(run(), 'app.cjs true');
  assert.deepEqual(caches(), [cache]);
  assert.equal(fs.statSync(path.join(dir, 'cache', cache!)).mtimeMs, written);
});

test('a cache that V8 rejects is rewritten, and the bundle still runs', () => {
  run();
  const file = path.join(dir, 'cache', caches()[0]!);
  fs.writeFileSync(file, 'not a code cache');
  assert.equal(run(), 'app.cjs true');
  assert.notEqual(fs.readFileSync(file, 'utf8'), 'not a code cache');
});

test('a rebuilt bundle gets a cache of its own', () => {
  run();
  fs.appendFileSync(bundle, '// rebuilt\n');
  assert.equal(run(), 'app.cjs true');
  assert.equal(caches().length, 2);
});

test('where no cache can be written, the bundle runs uncached', () => {
  fs.writeFileSync(path.join(dir, 'cache'), 'a file where the cache folder would go');
  assert.equal(run(), 'app.cjs true');
  assert.equal(run(), 'app.cjs true');
  assert.deepEqual(fs.readdirSync(dir).sort(), ['app.cjs', 'cache'], 'a temporary file was left behind');
});
