// A daemon short of file descriptors (ulimit -n 64): a scale that cannot be carried out fails with
// one clear line, changes nothing, and gives back every descriptor it took.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { test } from 'node:test';
import { listApps } from '../helpers/daemon.js';
import { readDaemonPidFile } from '../helpers/proc.js';
import { fixtureApp, PM_BIN, pm, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const t = setupTempHome();

const openFds = (pid: number): number => fs.readdirSync(`/proc/${pid}/fd`).length;

test('pm scale past the open-file limit fails in one line, changes nothing and leaks no descriptor', async () => {
  // The daemon inherits the limit of the command that starts it.
  execFileSync('bash', ['-c', `ulimit -n 64 && exec "${process.execPath}" "${PM_BIN}" ping`], { env: t.env });
  const daemon = readDaemonPidFile(t.home)!;
  await pm(['start', fixtureApp('forever.js'), '--name', 'web'], t.env);
  await waitFor(async () => (await listApps(t.env))[0]?.status === 'online', { message: 'web online' });
  const before = openFds(daemon);

  const result = await runCli(['scale', 'web', '40'], t.env);
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /cannot add web:\d+: .*EMFILE.*; no instance was added/);
  assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);

  const apps = await listApps(t.env);
  assert.deepEqual(
    apps.map((p) => [p.name, p.index, p.status]),
    [['web', 0, 'online']],
  );
  await waitFor(() => openFds(daemon) <= before, {
    message: `the daemon's descriptors back to ${before} (has ${openFds(daemon)})`,
  });
});

test('the daemon raises its soft open-file limit to the hard one at start', async () => {
  execFileSync('bash', ['-c', `ulimit -S -n 256 && exec "${process.execPath}" "${PM_BIN}" ping`], {
    env: t.env,
  });
  const daemon = readDaemonPidFile(t.home)!;
  const hard = Number(execFileSync('bash', ['-c', 'ulimit -H -n']).toString().trim());
  const soft = () =>
    Number(
      /^Max open files\s+(\d+)/m.exec(fs.readFileSync(`/proc/${daemon}/limits`, 'utf8'))?.[1] ?? Number.NaN,
    );
  await waitFor(() => soft() === hard, { message: `the soft limit at ${hard} (is ${soft()})` });
});
