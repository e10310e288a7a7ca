// PM_HOME is private: created 0700 with a 0600 socket, and a home that others could tamper with
// is refused before any daemon starts.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { PM_BIN, pm, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { processesOf } from '../helpers/temp-home.js';

const t = setupTempHome();

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

/** Runs bin/pm with umask 000, so that only explicit modes keep files private. */
function runWithOpenUmask(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    execFile(
      'sh',
      ['-c', 'umask 000; exec "$@"', 'sh', process.execPath, PM_BIN, ...args],
      { env },
      (error) => resolve(error ? Number(error.code) : 0),
    );
  });
}

test('the home is created 0700 and the socket 0600, even with a permissive umask', async () => {
  fs.rmSync(t.home, { recursive: true });
  assert.equal(await runWithOpenUmask(['ping'], t.env), 0);

  assert.equal(modeOf(t.home).toString(8), '700');
  const socket = path.join(t.home, 'daemon.sock');
  assert.ok(fs.statSync(socket).isSocket());
  assert.equal(modeOf(socket).toString(8), '600');
  for (const file of ['state.json', 'daemon.pid']) {
    assert.equal(modeOf(path.join(t.home, file)) & 0o077, 0, `${file} is readable by others`);
  }
});

for (const mode of [0o770, 0o707, 0o777]) {
  test(`a home with mode ${mode.toString(8)} is refused with a one-line error and exit code 1`, async () => {
    fs.chmodSync(t.home, mode);
    const result = await runCli(['ping'], t.env);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /^pm: [^\n]*writable by others[^\n]*chmod 700[^\n]*\n$/);
    assert.deepEqual(processesOf(t.home), [], 'a daemon was started');
    assert.equal(fs.existsSync(path.join(t.home, 'daemon.sock')), false);
  });
}

test('a home owned by another user is refused with a one-line error and exit code 1', {
  skip: process.getuid?.() !== 0 && 'needs root to chown the home',
}, async () => {
  fs.chownSync(t.home, 65534, 65534);
  const result = await runCli(['ping'], t.env);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /^pm: [^\n]*belongs to uid 65534[^\n]*\n$/);
  assert.deepEqual(processesOf(t.home), [], 'a daemon was started');
});

test('a home made writable by others while the daemon runs is refused by the next command', async () => {
  await pm(['ping'], t.env);
  fs.chmodSync(t.home, 0o777);
  const result = await runCli(['list'], t.env);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /^pm: [^\n]*writable by others[^\n]*\n$/);
});

test('a home that is a file is refused with exit code 1', async () => {
  fs.rmSync(t.home, { recursive: true });
  fs.writeFileSync(t.home, '');
  const result = await runCli(['list'], t.env);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /^pm: [^\n]+\n$/);
  await pm(['--version'], t.env);
});

test('a read-only home gets what and how to fix, in one line, not an internal error', async (ctx) => {
  const home = path.join(t.home, 'ro');
  fs.mkdirSync(home, { mode: 0o700 });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,mode=700,size=64k', 'tmpfs', home], { stdio: 'pipe' });
  } catch (error) {
    const reason = `cannot mount a read-only tmpfs (${(error as Error).message.split('\n')[0]})`;
    process.stdout.write(`# skipped: ${reason}\n`);
    ctx.skip(reason);
    return;
  }
  try {
    const result = await runCli(['ping'], { ...t.env, PM_HOME: home });
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /^pm: cannot start the daemon: PM_HOME .*\/ro is not writable \(EROFS\); .*make it writable, or set PM_HOME to a writable directory\n$/,
    );
  } finally {
    execFileSync('umount', ['-l', home]);
  }
});
