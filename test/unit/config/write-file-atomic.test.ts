// The atomic replace: every byte or none, the replaced file kept on request, and nothing left over
// from a write that failed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { writeFileAtomic, writeFileAtomicAsync } from '../../../src/config/write-file-atomic.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-atomic-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('writes every byte of a large text, with the mode asked for', () => {
  const file = path.join(dir, 'state.json');
  const text = 'x'.repeat(3 * 1024 * 1024);
  writeFileAtomic(file, text, { mode: 0o600 });
  assert.equal(fs.readFileSync(file, 'utf8'), text);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(fs.readdirSync(dir), ['state.json']);
});

test('keeps the replaced file as the backup', () => {
  const file = path.join(dir, 'state.json');
  writeFileAtomic(file, 'one', { mode: 0o600, backup: `${file}.prev` });
  writeFileAtomic(file, 'two', { mode: 0o600, backup: `${file}.prev` });
  assert.equal(fs.readFileSync(file, 'utf8'), 'two');
  assert.equal(fs.readFileSync(`${file}.prev`, 'utf8'), 'one');
  assert.deepEqual(fs.readdirSync(dir).sort(), ['state.json', 'state.json.prev']);
});

test('a failed rename leaves the old file and no temp file', () => {
  const file = path.join(dir, 'state.json');
  writeFileAtomic(file, 'old', { mode: 0o600 });
  // A directory where the backup goes makes the write fail after the temp file is complete.
  fs.mkdirSync(`${file}.prev`);
  fs.writeFileSync(path.join(`${file}.prev`, 'x'), '');
  assert.throws(() => writeFileAtomic(file, 'new', { mode: 0o600, backup: `${file}.prev` }));
  assert.equal(fs.readFileSync(file, 'utf8'), 'old');
  assert.deepEqual(fs.readdirSync(dir).sort(), ['state.json', 'state.json.prev']);
});

test('a temp name is never predictable, so a planted link is never followed', () => {
  const file = path.join(dir, 'state.json');
  const target = path.join(dir, 'victim');
  fs.writeFileSync(target, 'keep me');
  fs.symlinkSync(target, `${file}.tmp-${process.pid}`);
  writeFileAtomic(file, 'state', { mode: 0o600 });
  assert.equal(fs.readFileSync(target, 'utf8'), 'keep me');
  assert.equal(fs.readFileSync(file, 'utf8'), 'state');
});

test('the asynchronous form keeps the replaced file as the backup, and cleans up after a failed rename', async () => {
  const file = path.join(dir, 'state.json');
  const backup = `${file}.prev`;
  await writeFileAtomicAsync(file, 'one', { mode: 0o600, backup });
  await writeFileAtomicAsync(file, 'two', { mode: 0o600, backup });
  assert.equal(fs.readFileSync(file, 'utf8'), 'two');
  assert.equal(fs.readFileSync(backup, 'utf8'), 'one');
  fs.rmSync(backup);
  fs.mkdirSync(backup);
  fs.writeFileSync(path.join(backup, 'x'), '');
  await assert.rejects(writeFileAtomicAsync(file, 'three', { mode: 0o600, backup }));
  assert.equal(fs.readFileSync(file, 'utf8'), 'two');
  assert.deepEqual(fs.readdirSync(dir).sort(), ['state.json', 'state.json.prev']);
});
