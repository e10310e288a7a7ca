// Tasks (`type: task`): a run to completion, `completed` or `failed` (never confused with an app
// stopped by hand), not run again by a re-apply unless its definition changed, and `pm run`, which
// a CI step calls: the task's output as it runs, and its exit code.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { listApps } from '../helpers/daemon.js';
import { isGone, readDaemonPidFile } from '../helpers/proc.js';
import { pm, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const t = setupTempHome();

function writeConfig(apps: string): string {
  const file = path.join(t.home, 'pm.yaml');
  fs.writeFileSync(file, `apps:\n${apps}`);
  return file;
}

const statusOf = async (name: string) => (await listApps(t.env)).find((p) => p.name === name);

test('a task that exits 0 is completed and not restarted; one that fails is failed with its code', async () => {
  const file = writeConfig(`  - name: ok
    type: task
    command: sh -c 'echo done'
  - name: bad
    type: task
    command: sh -c 'exit 3'
  - name: web
    command: sleep 100000
`);
  await pm(['start', file], t.env);
  const ok = await waitFor(async () => {
    const p = await statusOf('ok');
    return p?.status === 'completed' ? p : null;
  });
  assert.equal(ok.restarts, 0);
  assert.equal(ok.lastExit?.code, 0);
  const bad = await waitFor(async () => {
    const p = await statusOf('bad');
    return p?.status === 'failed' ? p : null;
  });
  assert.equal(bad.lastExit?.code, 3);
  assert.equal(bad.restarts, 0, 'a failed task is not restarted without a recovery policy that says so');
  await pm(['stop', 'web'], t.env);
  const table = (await pm(['list'], t.env)).stdout;
  assert.match(table, /ok:0 .* completed /);
  assert.match(table, /bad:0 .* failed \(code 3\)/);
  assert.match(table, /web:0 .* stopped /, 'an app stopped by hand is neither');
  const json = JSON.parse((await pm(['list', '--json'], t.env)).stdout) as Array<{
    name: string;
    state: string;
    exit_code: number | null;
  }>;
  assert.deepEqual(
    json.map((p) => [p.name, p.state, p.exit_code]),
    [
      ['ok', 'completed', 0],
      ['bad', 'failed', 3],
      ['web', 'stopped', null],
    ],
  );
  const events = (await pm(['events', '--json', '--lines', '50'], t.env)).stdout;
  assert.match(events, /"type":"completed"/);
  assert.match(events, /"type":"failed","severity":"alert"/);
});

test('a failing task with auto_restart: on-failure is run again until it succeeds', async () => {
  const counter = path.join(t.home, 'tries');
  const file = writeConfig(`  - name: flaky
    type: task
    command: sh -c 'echo x >> ${counter}; [ $(wc -l < ${counter}) -ge 2 ]'
    recovery: { auto_restart: on-failure, min_uptime: 0s }
`);
  await pm(['start', file], t.env);
  const flaky = await waitFor(async () => {
    const p = await statusOf('flaky');
    return p?.status === 'completed' ? p : null;
  });
  assert.equal(flaky.restarts, 1);
});

test('applying the same config again does not run a completed task again; a changed definition does', async () => {
  const marks = path.join(t.home, 'runs');
  const config = (extra: string) =>
    writeConfig(`  - name: migrate
    type: task
    command: sh -c 'echo run >> ${marks}'
    env: { STEP: "${extra}" }
`);
  await pm(['start', config('1')], t.env);
  await waitFor(async () => (await statusOf('migrate'))?.status === 'completed');
  await pm(['start', config('1')], t.env);
  assert.equal((await statusOf('migrate'))?.status, 'completed');
  assert.equal(fs.readFileSync(marks, 'utf8'), 'run\n', 'not run again');
  await pm(['start', config('2')], t.env);
  await waitFor(() => fs.readFileSync(marks, 'utf8') === 'run\nrun\n', { message: 'a second run' });
});

test('pm run prints the task output as it runs and exits with its exit code', async () => {
  const file = writeConfig(`  - name: check
    type: task
    command: sh -c 'echo "checking $STEP"; echo "warning" >&2; exit $CODE'
    env: { STEP: "one", CODE: "4" }
  - name: fine
    type: task
    command: sh -c 'echo fine'
`);
  await pm(['start', file], t.env);
  await waitFor(async () => (await statusOf('check'))?.status === 'failed');
  const failed = await runCli(['run', 'check'], t.env);
  assert.equal(failed.code, 4);
  assert.equal(failed.stdout, 'checking one\n');
  assert.equal(failed.stderr, 'warning\n');
  const fine = await runCli(['run', 'fine'], t.env);
  assert.equal(fine.code, 0, fine.stderr);
  assert.equal(fine.stdout, 'fine\n');
  const unknown = await runCli(['run', 'nosuch'], t.env);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^pm: no process matches "nosuch"/);
});

test('completed and failed survive a daemon crash, and the task is not run again', async () => {
  const marks = path.join(t.home, 'runs');
  const file = writeConfig(`  - name: once
    type: task
    command: sh -c 'echo run >> ${marks}'
  - name: broken
    type: task
    command: sh -c 'exit 2'
`);
  await pm(['start', file], t.env);
  await waitFor(
    async () =>
      (await statusOf('broken'))?.status === 'failed' && (await statusOf('once'))?.status === 'completed',
  );
  const daemon = readDaemonPidFile(t.home)!;
  process.kill(daemon, 'SIGKILL');
  await waitFor(() => isGone(daemon), { message: 'the daemon gone' });
  await pm(['ping'], t.env); // the first command after the crash starts the next daemon
  const after = await listApps(t.env);
  assert.deepEqual(
    after.map((p) => [p.name, p.status, p.lastExit?.code]),
    [
      ['once', 'completed', 0],
      ['broken', 'failed', 2],
    ],
  );
  assert.equal(fs.readFileSync(marks, 'utf8'), 'run\n');
});
