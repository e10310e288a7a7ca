// The first command starts the daemon: racing CLIs end with exactly one, and commands that do
// not need a daemon never start one.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { daemonPidsOf, readDaemonPidFile } from '../helpers/proc.js';
import { runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { processesOf } from '../helpers/temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const t = setupTempHome();

test('ten CLIs started at the same moment against a fresh home all succeed and share one daemon', async () => {
  fs.rmSync(t.home, { recursive: true });
  const results = await Promise.all(Array.from({ length: 10 }, () => runCli(['ping', '--json'], t.env)));

  for (const result of results) assert.equal(result.code, 0, result.stderr);
  const pids = new Set(results.map((r) => JSON.parse(r.stdout).pid as number));
  assert.equal(pids.size, 1, `the CLIs talked to ${pids.size} daemons`);
  const [pid] = pids;
  assert.equal(readDaemonPidFile(t.home), pid);
  // A losing daemon would exit on its own; give it the chance, then count what is left.
  await waitFor(() => daemonPidsOf(t.home).length === 1, { message: 'exactly one daemon process' });
  assert.deepEqual(daemonPidsOf(t.home), [pid]);
  assert.ok(fs.existsSync(`/proc/${pid}`));
});

test('pm --version and pm --help answer without starting a daemon', async () => {
  const cases = [['--version'], ['-v'], ['--help'], ['start', '--help'], ['help']];
  const results = await Promise.all(cases.map((args) => runCli(args, t.env)));
  for (const [i, args] of cases.entries()) {
    assert.equal(results[i]!.code, 0, `pm ${args.join(' ')}: ${results[i]!.stderr}`);
    assert.notEqual(results[i]!.stdout, '');
  }
  assert.match(results[0]!.stdout, /^\d+\.\d+\.\d+/);
  assert.deepEqual(processesOf(t.home), [], 'a daemon process was started');
  assert.equal(fs.existsSync(path.join(t.home, 'daemon.sock')), false);
  assert.equal(fs.existsSync(path.join(t.home, 'daemon.pid')), false);
});

test('a daemon that cannot start is reported with the end of its log, exit 2, and the lock is free again', async () => {
  // The daemon makes $PM_HOME/logs a directory; a file in its place makes it fail before it listens.
  fs.writeFileSync(path.join(t.home, 'logs'), 'not a directory\n');
  const failed = await runCli(['list'], t.env);
  assert.equal(failed.code, 2, failed.stderr);
  assert.match(
    failed.stderr,
    /^pm: the daemon did not start \(see .*daemon\.log\): .*daemon failed to start/,
  );
  assert.equal(failed.stderr.trim().split('\n').length, 1, failed.stderr);

  fs.rmSync(path.join(t.home, 'logs'));
  const next = await runCli(['ping', '--json'], t.env);
  assert.equal(next.code, 0, next.stderr);
});

test('the daemon runs through the bundle loader, and apps do not inherit its start-up pipe', async () => {
  const started = await runCli(['start', 'sleep 60', '--name', 'nap'], t.env);
  assert.equal(started.code, 0, started.stderr);
  const [daemon] = daemonPidsOf(t.home);
  const cmdline = fs.readFileSync(`/proc/${daemon}/cmdline`, 'utf8').split('\0');
  assert.ok(
    cmdline.some((arg) => arg.endsWith('bin/load-bundle.cjs')),
    cmdline.join(' '),
  );
  const list = JSON.parse((await runCli(['list', '--json'], t.env)).stdout) as Array<{ pid: number }>;
  const appFds = fs.readdirSync(`/proc/${list[0]!.pid}/fd`).map((fd) => Number(fd));
  assert.ok(!appFds.includes(3), 'the app holds fd 3');
});
