// The tour of issue 2, command by command, against a real daemon: start (node script with -i,
// shell command, executable with args), list, restart name:index, stop all, start by name,
// delete, ping and kill.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { toListJson } from '../../src/cli/output/list-json.js';
import { listApps } from '../helpers/daemon.js';
import { daemonPidsOf, isGone, readDaemonPidFile } from '../helpers/proc.js';
import { FIXTURES, fixtureApp, pm, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { processesOf } from '../helpers/temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const t = setupTempHome();

interface ListEntry {
  id: number | null;
  name: string;
  index: number | null;
  pid: number | null;
  state: string;
  health: string;
  restarts: number;
  uptime_ms: number | null;
  cpu: number | null;
  memory: number | null;
}

async function listJson(): Promise<ListEntry[]> {
  return JSON.parse((await pm(['list', '--json'], t.env)).stdout);
}

/** The same entries as `pm list --json`, without the cost of a CLI process. */
async function listNow(): Promise<ListEntry[]> {
  return toListJson(await listApps(t.env));
}

/** The rows of the table, cells trimmed, with the border lines dropped. */
function tableRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('│'))
    .map((line) =>
      line
        .split('│')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
}

test('a node script started with -i 2 runs two instances, shown by pm list as a table and as JSON', async () => {
  await pm(['start', fixtureApp('forever.js'), '--name', 'web', '-i', '2'], t.env);

  const entries = await listJson();
  assert.equal(entries.length, 2);
  for (const [i, entry] of entries.entries()) {
    for (const key of ['name', 'index', 'pid', 'state', 'health', 'restarts', 'uptime_ms', 'cpu', 'memory']) {
      assert.ok(key in entry, `list --json entry lacks "${key}"`);
    }
    assert.equal(entry.name, 'web');
    assert.equal(entry.index, i);
    assert.equal(entry.state, 'online');
    assert.equal(entry.health, 'unknown');
    assert.equal(entry.restarts, 0);
    assert.ok(Number.isInteger(entry.pid) && !isGone(entry.pid!), `pid ${entry.pid} is not a live process`);
    assert.ok(typeof entry.uptime_ms === 'number' && entry.uptime_ms >= 0);
    assert.ok(entry.cpu === null || typeof entry.cpu === 'number');
    assert.ok(entry.memory === null || typeof entry.memory === 'number');
  }

  const rows = tableRows((await pm(['list'], t.env)).stdout);
  assert.deepEqual(rows[0], ['id', 'name', 'pid', 'state', 'health', 'uptime', '↺', 'cpu', 'mem']);
  const masked = rows
    .slice(1)
    .map(([id, name, pid, state, health, uptime, restarts]) => [
      id,
      name,
      /^\d+$/.test(pid!) ? '<pid>' : pid,
      state,
      health,
      /^\d+[smhd]$/.test(uptime!) ? '<uptime>' : uptime,
      restarts,
    ]);
  assert.deepEqual(masked, [
    [String(entries[0]!.id), 'web:0', '<pid>', 'online', 'unknown', '<uptime>', '0'],
    [String(entries[1]!.id), 'web:1', '<pid>', 'online', 'unknown', '<uptime>', '0'],
  ]);
});

test('a shell command runs through /bin/sh, and a program with arguments runs directly', async () => {
  await pm(['start', 'while :; do sleep 1; done', '--name', 'loop'], t.env);
  await pm(['start', 'python3 -m http.server 0 --bind 127.0.0.1', '--name', 'files'], t.env);

  const [loop, files] = JSON.parse((await pm(['describe', 'all', '--json'], t.env)).stdout);
  assert.equal(loop.spec.run.file, '/bin/sh');
  assert.deepEqual(loop.spec.run.args, ['-c', 'while :; do sleep 1; done']);
  assert.equal(files.spec.run.file, 'python3');
  assert.deepEqual(files.spec.run.args, ['-m', 'http.server', '0', '--bind', '127.0.0.1']);
  const entries = await listNow();
  assert.deepEqual(
    entries.map((e) => [e.name, e.state]),
    [
      ['loop', 'online'],
      ['files', 'online'],
    ],
  );
  for (const entry of entries) assert.ok(!isGone(entry.pid!));
});

test('an executable script given by a relative path receives the arguments after --', async () => {
  const argsFile = path.join(t.home, 'args.txt');
  const result = await runCli(
    ['start', './worker.sh', '--name', 'w', '--env', `ARGS_FILE=${argsFile}`, '--', '--queue', 'jobs'],
    t.env,
    { cwd: path.join(FIXTURES, 'apps') },
  );
  assert.equal(result.code, 0, result.stderr);
  const args = await waitFor(() => fs.existsSync(argsFile) && fs.readFileSync(argsFile, 'utf8'), {
    message: 'the worker to write its arguments',
  });
  assert.equal(args, '--queue\njobs\n');
  const [entry] = await listNow();
  assert.equal(entry?.name, 'w');
  assert.equal(entry?.state, 'online');
});

test('restart name:index replaces only the process of that instance', async () => {
  await pm(['start', 'sleep 100000', '--name', 'web', '-i', '2'], t.env);
  const [web0, web1] = await listNow();

  await pm(['restart', 'web:1'], t.env);

  const [after0, after1] = await listNow();
  assert.equal(after0?.pid, web0?.pid, 'web:0 must keep its process');
  assert.notEqual(after1?.pid, web1?.pid, 'web:1 must get a new process');
  assert.equal(after1?.state, 'online');
  assert.equal(after1?.restarts, 1);
  assert.ok(isGone(web1!.pid!), 'the old process of web:1 is still running');
});

test('stop all stops every instance of every app, and start by name brings an app back', async () => {
  await pm(['start', 'sleep 100000', '--name', 'web', '-i', '2'], t.env);
  await pm(['start', 'sleep 100000', '--name', 'other'], t.env);
  const before = await listNow();

  const stopped = await pm(['stop', 'all'], t.env);
  assert.match(stopped.stdout, /web:0 \[\d+\] stopped/);

  const after = await listNow();
  assert.deepEqual(
    after.map((e) => [e.name, e.index, e.state, e.pid]),
    [
      ['web', 0, 'stopped', null],
      ['web', 1, 'stopped', null],
      ['other', 0, 'stopped', null],
    ],
  );
  for (const entry of before) assert.ok(isGone(entry.pid!), `pid ${entry.pid} survived stop all`);

  await pm(['start', 'web'], t.env);
  const restarted = await listNow();
  assert.deepEqual(
    restarted.map((e) => [e.name, e.state]),
    [
      ['web', 'online'],
      ['web', 'online'],
      ['other', 'stopped'],
    ],
  );
});

test('delete stops the app and forgets it, leaving the other apps alone', async () => {
  await pm(['start', 'sleep 100000', '--name', 'web'], t.env);
  await pm(['start', 'sleep 100000', '--name', 'files'], t.env);
  const [, files] = await listNow();

  await pm(['delete', 'files'], t.env);

  const after = await listNow();
  assert.deepEqual(
    after.map((e) => [e.name, e.state]),
    [['web', 'online']],
  );
  assert.ok(isGone(files!.pid!), 'the deleted app is still running');
  const gone = await runCli(['stop', 'files'], t.env);
  assert.equal(gone.code, 1);
});

test('ping names the daemon, and kill stops every app and then the daemon', async () => {
  await pm(['start', 'sleep 100000', '--name', 'web', '-i', '2'], t.env);
  const daemonPid = readDaemonPidFile(t.home);
  const ping = await pm(['ping'], t.env);
  assert.match(ping.stdout, new RegExp(`^pong: daemon ${daemonPid} `));
  const pingJson = JSON.parse((await pm(['ping', '--json'], t.env)).stdout);
  assert.equal(pingJson.pid, daemonPid);
  assert.equal(pingJson.instances, 2);
  const apps = await listApps(t.env);

  const killed = await pm(['kill'], t.env);
  assert.match(killed.stdout, /daemon stopped \(2 instances stopped\)/);
  await waitFor(() => daemonPidsOf(t.home).length === 0, { message: 'the daemon to exit' });
  assert.deepEqual(processesOf(t.home), []);
  for (const app of apps) assert.ok(isGone(app.pid!));
  assert.equal(fs.existsSync(path.join(t.home, 'daemon.sock')), false);
  assert.equal(fs.existsSync(path.join(t.home, 'daemon.pid')), false);

  const again = await pm(['kill'], t.env);
  assert.match(again.stdout, /no daemon running/);
  assert.deepEqual(daemonPidsOf(t.home), [], 'kill must not start a daemon');
});
