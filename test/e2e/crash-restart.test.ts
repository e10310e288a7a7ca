// Basic recovery: an instance that exits on its own is started again, and `restarts` counts it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listApps, request } from '../helpers/daemon.js';
import { fixtureApp, pm } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { startApp } from '../helpers/start-app.js';
import { waitFor } from '../helpers/wait-for.js';

const t = setupTempHome();

test('an instance that exits on its own is started again, and restarts counts each run', async () => {
  await startApp(t.env, { script: fixtureApp('exit-with.js'), name: 'crashy', args: ['3', '300'] });
  const pids = new Set<number>();
  const info = await waitFor(
    async () => {
      const [p] = await listApps(t.env);
      if (p?.pid) pids.add(p.pid);
      return p && p.restarts >= 2 ? p : null;
    },
    { timeoutMs: 20_000, message: 'two restarts' },
  );
  assert.ok(pids.size >= 2, `saw only pids ${[...pids].join(', ')}`);
  assert.equal(info.lastExit?.code, 3);
  assert.equal(info.lastExit?.signal, null);

  const [details] = await request(t.env, { type: 'describe', target: { kind: 'name', name: 'crashy' } });
  const history = details!.instances[0]!.history;
  assert.ok(history.length >= 2);
  assert.match(history[0]!.reason, /exited with code 3; restart/);
});

test('an instance killed by a signal is restarted and its last exit names the signal', async () => {
  await startApp(t.env, { script: fixtureApp('forever.js'), name: 'web' });
  const [before] = await listApps(t.env);
  process.kill(before!.pid!, 'SIGKILL');

  const after = await waitFor(
    async () => {
      const [p] = await listApps(t.env);
      return p?.status === 'online' && p.pid !== before!.pid ? p : null;
    },
    { message: 'a new run' },
  );
  assert.equal(after.restarts, 1);
  assert.equal(after.lastExit?.signal, 'SIGKILL');
  const json = JSON.parse((await pm(['list', '--json'], t.env)).stdout);
  assert.deepEqual([json[0].restarts, json[0].exit_signal], [1, 'SIGKILL']);
});

test('with --no-autorestart an instance that exits stays stopped with its exit code', async () => {
  await pm(
    ['start', fixtureApp('exit-with.js'), '--name', 'once', '--no-autorestart', '--', '0', '100'],
    t.env,
  );
  const info = await waitFor(
    async () => {
      const [p] = await listApps(t.env);
      return p?.status === 'stopped' ? p : null;
    },
    { message: 'the instance to stop' },
  );
  assert.deepEqual([info.restarts, info.lastExit?.code], [0, 0]);
});
