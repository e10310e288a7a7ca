// The home no one else can steer: every directory above it is root's or ours and not writable by
// others (a sticky /tmp is fine), links are resolved once, and a home whose socket path would be cut
// or that is relative is refused.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { checkHome, ensureHome } from '../../../src/config/home.js';
import { resolvePaths } from '../../../src/config/paths.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-home-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a home inside a directory others can write to is refused, with the directory and the fix', () => {
  const open = path.join(dir, 'open');
  fs.mkdirSync(open);
  fs.chmodSync(open, 0o777);
  assert.throws(() => ensureHome(path.join(open, 'home')), {
    message: new RegExp(`inside ${open}, which others can write to \\(mode 777\\): run chmod go-w ${open}`),
  });
  assert.deepEqual(fs.readdirSync(open), []);
});

test('a home inside a sticky directory that others can write to (as /tmp) is accepted', () => {
  const sticky = path.join(dir, 'sticky');
  fs.mkdirSync(sticky);
  fs.chmodSync(sticky, 0o1777);
  ensureHome(path.join(sticky, 'home'));
});

test("a home inside another user's directory is refused", (ctx) => {
  if (process.getuid?.() !== 0) {
    ctx.skip('needs root to give a directory to another uid');
    return;
  }
  const theirs = path.join(dir, 'theirs');
  fs.mkdirSync(theirs, { mode: 0o755 });
  fs.chownSync(theirs, 12_345, 12_345);
  assert.throws(() => ensureHome(path.join(theirs, 'home', 'deeper')), {
    message: new RegExp(`inside ${theirs}, which belongs to uid 12345`),
  });
  // Refused before anything is made: a directory of ours in theirs would be theirs to move.
  assert.deepEqual(fs.readdirSync(theirs), []);
});

test('a symlinked home is resolved once, and the real directory is what is checked and used', () => {
  const real = path.join(dir, 'real');
  fs.mkdirSync(real, { mode: 0o700 });
  const link = path.join(dir, 'link');
  fs.symlinkSync(real, link);
  const paths = resolvePaths({ PM_HOME: link });
  assert.equal(paths.home, real);
  assert.equal(paths.socket, path.join(real, 'daemon.sock'));
  checkHome(paths.home);
});

test('a home that does not exist yet is resolved through its nearest existing directory', () => {
  const link = path.join(dir, 'link');
  fs.symlinkSync(os.tmpdir(), link);
  assert.equal(
    resolvePaths({ PM_HOME: path.join(link, 'a', 'b') }).home,
    path.join(fs.realpathSync(os.tmpdir()), 'a', 'b'),
  );
});

test('a relative PM_HOME is refused: it would mean another daemon in every directory', () => {
  assert.throws(() => resolvePaths({ PM_HOME: 'pm-home' }), {
    message: /^PM_HOME must be an absolute path, not "pm-home"/,
  });
});

test('a home too long for a Unix socket path is refused, never cut', () => {
  const long = path.join(dir, 'x'.repeat(120));
  assert.throws(() => resolvePaths({ PM_HOME: long }), {
    message: /is too long: its socket path would take \d+ bytes, and a Unix socket path holds 107/,
  });
  assert.doesNotThrow(() => resolvePaths({ PM_HOME: path.join('/tmp', 'x'.repeat(40)) }));
});
