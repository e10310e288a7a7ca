// The fallback directory in the system temp dir: ours and private, never one someone else planted
// under its predictable name, and its files never opened through a link.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { PrivateDir } from '../../../src/logs/private-dir.js';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-private-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('creates the directory 0700 and uses it', () => {
  const wanted = path.join(tmp, 'pm-0-logs-fallback');
  assert.equal(new PrivateDir(wanted).path(), wanted);
  assert.equal(fs.statSync(wanted).mode & 0o777, 0o700);
});

test('a planted link under the predictable name is never followed: a fresh private directory is made', () => {
  const wanted = path.join(tmp, 'pm-0-logs-fallback');
  const target = path.join(tmp, 'attacker');
  fs.mkdirSync(target, { mode: 0o700 });
  fs.symlinkSync(target, wanted);
  const chosen = new PrivateDir(wanted).path();
  assert.notEqual(chosen, wanted);
  assert.ok(chosen.startsWith(`${wanted}-`));
  assert.ok(fs.lstatSync(chosen).isDirectory());
  assert.equal(fs.statSync(chosen).mode & 0o777, 0o700);
});

test('a directory someone made open to others is not reused', () => {
  const wanted = path.join(tmp, 'pm-0-logs-fallback');
  fs.mkdirSync(wanted);
  fs.chmodSync(wanted, 0o777);
  assert.notEqual(new PrivateDir(wanted).path(), wanted);
});

test("another user's directory under the name is not reused", (ctx) => {
  if (process.getuid?.() !== 0) {
    ctx.skip('needs root to give a directory to another uid');
    return;
  }
  const wanted = path.join(tmp, 'pm-0-logs-fallback');
  fs.mkdirSync(wanted, { mode: 0o700 });
  fs.chownSync(wanted, 12_345, 12_345);
  assert.notEqual(new PrivateDir(wanted).path(), wanted);
});
