// The process backend: `pm ping` says which one reads the process table, PM_PROC_BACKEND forces
// one (a bad value is one line and exit 2), and a daemon that finds runs recorded by the other
// backend neither adopts nor duplicates them (start times are measured differently).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { listApps } from '../helpers/daemon.js';
import { readDaemonPidFile } from '../helpers/proc.js';
import { portableBackend } from '../helpers/proc-backend.js';
import { isPidAlive } from '../helpers/proc-entry.js';
import { pm, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const t = setupTempHome();

test('pm ping says which backend reads the process table, and PM_PROC_BACKEND chooses it', async () => {
  for (const name of ['procfs', 'portable']) {
    const env = { ...t.env, PM_PROC_BACKEND: name };
    const { stdout } = await pm(['ping'], env);
    assert.match(stdout, new RegExp(`^process table: ${name} \\(`, 'm'));
    assert.match(
      JSON.parse((await pm(['ping', '--json'], env)).stdout).processTable,
      new RegExp(`^${name} `),
    );
    await pm(['kill'], env);
  }
  // Unset: /proc where the host has it.
  const { PM_PROC_BACKEND: _, ...unset } = t.env;
  assert.match((await pm(['ping'], unset)).stdout, /^process table: procfs /m);
});

test('an unknown PM_PROC_BACKEND stops the daemon from starting, in one line with exit 2', async () => {
  const failed = await runCli(['list'], { ...t.env, PM_PROC_BACKEND: 'kvm' });
  assert.equal(failed.code, 2, failed.stderr);
  assert.match(
    failed.stderr,
    /daemon failed to start: PM_PROC_BACKEND must be procfs or portable, not "kvm"$/m,
  );
  assert.equal(failed.stderr.trim().split('\n').length, 1, failed.stderr);
});

for (const [from, to] of [
  ['procfs', 'portable'],
  ['portable', 'procfs'],
] as const) {
  test(`runs recorded by a ${from} daemon are restarted once by a ${to} one after a SIGKILL, never duplicated`, async () => {
    const before = { ...t.env, PM_PROC_BACKEND: from };
    await pm(['start', 'sleep 300', '--name', 'nap', '-i', '2'], before);
    const old = (await listApps(before)).map((p) => p.pid!);
    process.kill(readDaemonPidFile(t.home)!, 'SIGKILL');

    const after = { ...t.env, PM_PROC_BACKEND: to };
    // The CLI starts the next daemon with its environment (listApps would start one with the test's).
    assert.match((await pm(['ping'], after)).stdout, new RegExp(`^process table: ${to} `, 'm'));
    await waitFor(
      async () => {
        const list = await listApps(after);
        return list.every((p) => p.status === 'online' && p.pid !== null && !old.includes(p.pid));
      },
      { message: 'both instances run again under new pids' },
    );
    await waitFor(() => old.every((pid) => !isPidAlive(pid)), { message: 'the old runs are stopped' });
    assert.equal((await listApps(after)).length, 2);
  });
}

const portableRun = portableBackend() ? false : 'checked in the portable run (npm run test:portable)';
test('the portable run of the suite runs its daemons with the portable backend', {
  skip: portableRun,
}, async () => {
  assert.match((await pm(['ping'], t.env)).stdout, /^process table: portable /m);
});

test('a ps that fails while a new portable daemon starts is one line and exit 2; nothing is killed, and the next command adopts', async () => {
  const env = { ...t.env, PM_PROC_BACKEND: 'portable' };
  await pm(['start', 'sleep 300', '--name', 'nap'], env);
  const [before] = await listApps(env);
  process.kill(readDaemonPidFile(t.home)!, 'SIGKILL');

  const shims = fs.mkdtempSync(path.join(t.home, 'shims-'));
  fs.writeFileSync(path.join(shims, 'ps'), '#!/bin/sh\necho "ps: fork failed" >&2\nexit 1\n', {
    mode: 0o755,
  });
  const failed = await runCli(['list'], { ...env, PATH: `${shims}:${process.env.PATH}` });
  assert.equal(failed.code, 2, failed.stderr);
  assert.match(failed.stderr, /daemon failed to start: .*ps: fork failed/);
  assert.equal(failed.stderr.trim().split('\n').length, 1, failed.stderr);
  assert.ok(isPidAlive(before!.pid!), 'the app was killed');

  await pm(['ping'], env); // the next daemon, with the portable backend again
  const [after] = await listApps(env);
  assert.equal(after!.pid, before!.pid);
  assert.equal(after!.status, 'online');
});

/** A PATH with every program of /usr/bin but lsof: a host without /proc and without lsof cannot
 * count descriptors. */
function pathWithoutLsof(): string {
  const dir = fs.mkdtempSync(path.join(t.home, 'no-lsof-'));
  for (const name of fs.readdirSync('/usr/bin'))
    if (name !== 'lsof') fs.symlinkSync(path.join('/usr/bin', name), path.join(dir, name));
  return dir;
}

test('limits.max_fds is refused where descriptors cannot be counted (portable, no lsof), and reported with best_effort', async () => {
  const env = { ...t.env, PM_PROC_BACKEND: 'portable', PATH: pathWithoutLsof() };
  const refused = await runCli(['start', 'sleep 100', '--name', 'fds', '--max-fds', '100'], env);
  assert.equal(refused.code, 1, refused.stderr);
  assert.equal(
    refused.stderr,
    'pm: app "fds": limits.max_fds cannot be enforced on this host (no /proc and no lsof to count open descriptors); remove it, or set limits.best_effort: true to run without it\n',
  );
  assert.deepEqual(await listApps(env), [], 'nothing was defined');

  const config = path.join(t.home, 'fds.yaml');
  fs.writeFileSync(
    config,
    'apps:\n  - name: fds\n    command: sleep 100\n    limits: { max_fds: 100, best_effort: true }\n',
  );
  await pm(['start', config], env);
  const { stderr } = await pm(['list'], env); // the warning comes with the next command
  assert.match(stderr, /app "fds": limits\.max_fds not enforced \(best_effort\): no \/proc and no lsof/);
  assert.match((await pm(['describe', 'fds'], env)).stdout, /limits\.max_fds/);
});
