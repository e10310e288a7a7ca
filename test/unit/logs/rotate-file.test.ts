import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { pruneRotated, rotateFile } from '../../../src/logs/rotate-file.js';
import { rotatedFiles, rotatedName } from '../../../src/logs/rotated-files.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-rotate-'));
  file = path.join(dir, 'web-0.out.log');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const at = (s: number) => Date.UTC(2026, 0, 2, 3, 4, s);
const touch = (name: string) => fs.writeFileSync(path.join(dir, name), 'x\n');

test('rotated names carry the UTC time, and a second rotation in the same millisecond gets a suffix', () => {
  assert.equal(path.basename(rotatedName(file, at(5))), 'web-0.out.log.2026-01-02_03-04-05.000');
  touch('web-0.out.log.2026-01-02_03-04-05.000.gz');
  assert.equal(path.basename(rotatedName(file, at(5))), 'web-0.out.log.2026-01-02_03-04-05.000-1');
});

test('rotations in one millisecond stay in order after retention deleted the first of them', () => {
  for (let n = 0; n < 12; n++) {
    fs.writeFileSync(file, `run ${n}\n`);
    rotateFile(file, { maxFiles: 2, compress: false }, at(5));
  }
  assert.deepEqual(
    rotatedFiles(file).map((f) => fs.readFileSync(f, 'utf8')),
    ['run 11\n', 'run 10\n'],
  );
  assert.equal(path.basename(rotatedFiles(file)[0]!), 'web-0.out.log.2026-01-02_03-04-05.000-11');
});

test('a clock set back still gives a name newer than the newest rotated one', () => {
  touch('web-0.out.log.2026-01-02_03-04-09.000');
  assert.equal(path.basename(rotatedName(file, at(5))), 'web-0.out.log.2026-01-02_03-04-09.000-1');
});

test('rotatedFiles lists newest first and ignores files that only look alike', () => {
  touch('web-0.out.log.2026-01-02_03-04-01.000.gz');
  touch('web-0.out.log.2026-01-02_03-04-03.000');
  touch('web-0.out.log.2026-01-02_03-04-03.000-1');
  touch('web-0.out.log.old');
  touch('web-0.err.log.2026-01-02_03-04-04.000');
  assert.deepEqual(
    rotatedFiles(file).map((f) => path.basename(f)),
    [
      'web-0.out.log.2026-01-02_03-04-03.000-1',
      'web-0.out.log.2026-01-02_03-04-03.000',
      'web-0.out.log.2026-01-02_03-04-01.000.gz',
    ],
  );
});

test('a rotated file still being gzipped (plain and .gz side by side) counts once for retention', () => {
  touch('web-0.out.log.2026-01-02_03-04-01.000');
  touch('web-0.out.log.2026-01-02_03-04-01.000.gz');
  touch('web-0.out.log.2026-01-02_03-04-02.000');
  touch('web-0.out.log.2026-01-02_03-04-02.000.gz');
  pruneRotated(file, 2);
  assert.equal(fs.readdirSync(dir).length, 4, 'a file within max_files was deleted');
  pruneRotated(file, 1);
  assert.deepEqual(fs.readdirSync(dir).sort(), [
    'web-0.out.log.2026-01-02_03-04-02.000',
    'web-0.out.log.2026-01-02_03-04-02.000.gz',
  ]);
});

test('rotateFile moves the file aside and keeps max files; copy mode empties the file in place', () => {
  for (let s = 0; s < 4; s++) {
    fs.writeFileSync(file, `run ${s}\n`);
    rotateFile(file, { maxFiles: 2, compress: false }, at(s));
  }
  assert.equal(fs.existsSync(file), false);
  assert.deepEqual(
    rotatedFiles(file).map((f) => fs.readFileSync(f, 'utf8')),
    ['run 3\n', 'run 2\n'],
  );
  fs.writeFileSync(file, 'kept open by a writer\n');
  const inode = fs.statSync(file).ino;
  rotateFile(file, { maxFiles: 2, compress: false }, at(9), true);
  assert.equal(fs.statSync(file).ino, inode);
  assert.equal(fs.statSync(file).size, 0);
  assert.equal(fs.readFileSync(rotatedFiles(file)[0]!, 'utf8'), 'kept open by a writer\n');
});
