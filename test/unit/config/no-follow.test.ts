// Files pm writes in its home are never written through a link planted there.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { appendNoFollow, openAppendNoFollow, writeNoFollow } from '../../../src/config/no-follow.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-nofollow-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('append, write and open refuse a planted link (ELOOP) and leave its target alone', () => {
  const target = path.join(dir, 'victim');
  fs.writeFileSync(target, 'keep me\n');
  const link = path.join(dir, 'events.log');
  fs.symlinkSync(target, link);
  assert.throws(() => appendNoFollow(link, 'x\n', 0o600), { code: 'ELOOP' });
  assert.throws(() => writeNoFollow(link, 'x\n', 0o600), { code: 'ELOOP' });
  assert.throws(() => openAppendNoFollow(link, 0o600), { code: 'ELOOP' });
  assert.equal(fs.readFileSync(target, 'utf8'), 'keep me\n');
});

test('they write plain files as usual, with the mode asked for', () => {
  const file = path.join(dir, 'daemon.pid');
  writeNoFollow(file, '1\n', 0o600);
  writeNoFollow(file, '2\n', 0o600);
  appendNoFollow(file, '3\n', 0o600);
  assert.equal(fs.readFileSync(file, 'utf8'), '2\n3\n');
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
});
