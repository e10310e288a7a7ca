import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { listApps } from '../helpers/daemon.js';
import { isPidAlive } from '../helpers/proc-entry.js';
import { fixtureApp, pm } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const t = setupTempHome();

test('pm start runs a node script with two instances, and pm list --json reports them online', async () => {
  await pm(['start', fixtureApp('forever.js'), '--name', 'web', '-i', '2'], t.env);
  const list = JSON.parse((await pm(['list', '--json'], t.env)).stdout);
  assert.equal(list.length, 2);
  for (const entry of list) {
    assert.equal(entry.name, 'web');
    assert.equal(entry.state, 'online');
    assert.ok(isPidAlive(entry.pid));
  }
  assert.deepEqual(
    list.map((e: { index: number }) => e.index),
    [0, 1],
  );
});

test('pm stop leaves no process of a tree that ignores SIGTERM', async () => {
  const pidFile = path.join(t.home, 'tree.pids');
  await pm(
    [
      'start',
      fixtureApp('ignore-sigterm-tree.js'),
      '--name',
      'stubborn',
      '--kill-timeout',
      '300ms',
      '--',
      pidFile,
      '2',
    ],
    t.env,
  );
  const pids = await waitFor(() => {
    const lines = fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8').trim().split('\n') : [];
    return lines.length === 3 ? lines.map(Number) : null;
  });
  await pm(['stop', 'stubborn'], t.env);
  for (const pid of pids) assert.equal(isPidAlive(pid), false, `pid ${pid} still alive after stop`);
  const [info] = await listApps(t.env);
  assert.equal(info?.status, 'stopped');
});
