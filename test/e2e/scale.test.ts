// pm scale N | +N | -N: new instances take the lowest free index, removal stops the highest.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listApps } from '../helpers/daemon.js';
import { isGone } from '../helpers/proc.js';
import { pm, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { startApp } from '../helpers/start-app.js';

const t = setupTempHome();

async function instances(): Promise<Array<[number, string]>> {
  return (await listApps(t.env)).map((p) => [p.index, p.status]);
}

test('scale sets, adds and removes instances, and removal stops the highest indexes', async () => {
  await startApp(t.env, { script: 'sleep 100000', name: 'web', instances: 2 });

  await pm(['scale', 'web', '4'], t.env);
  assert.deepEqual(await instances(), [
    [0, 'online'],
    [1, 'online'],
    [2, 'online'],
    [3, 'online'],
  ]);
  const before = await listApps(t.env);

  await pm(['scale', 'web', '-1'], t.env);
  assert.deepEqual(await instances(), [
    [0, 'online'],
    [1, 'online'],
    [2, 'online'],
  ]);
  assert.ok(isGone(before[3]!.pid!), 'the process of web:3 is still running');
  const kept = await listApps(t.env);
  assert.deepEqual(
    kept.map((p) => p.pid),
    before.slice(0, 3).map((p) => p.pid),
    'scaling down touched the remaining instances',
  );

  await pm(['scale', 'web', '+2'], t.env);
  assert.deepEqual(await instances(), [
    [0, 'online'],
    [1, 'online'],
    [2, 'online'],
    [3, 'online'],
    [4, 'online'],
  ]);
});

test('a new instance takes the lowest free index', async () => {
  await startApp(t.env, { script: 'sleep 100000', name: 'web', instances: 3 });
  await pm(['delete', 'web:1'], t.env);
  assert.deepEqual(await instances(), [
    [0, 'online'],
    [2, 'online'],
  ]);

  await pm(['scale', 'web', '+1'], t.env);
  assert.deepEqual(await instances(), [
    [0, 'online'],
    [1, 'online'],
    [2, 'online'],
  ]);
});

test('an app scaled to zero keeps its definition and can be scaled up again', async () => {
  await startApp(t.env, { script: 'sleep 100000', name: 'web', instances: 2 });
  const before = await listApps(t.env);
  await pm(['scale', 'web', '0'], t.env);
  assert.deepEqual(await instances(), []);
  for (const p of before) assert.ok(isGone(p.pid!));

  await pm(['scale', 'web', '1'], t.env);
  assert.deepEqual(await instances(), [[0, 'online']]);
});

test('scaling below zero, an unknown app or a bad count is refused with exit code 1', async () => {
  await startApp(t.env, { script: 'sleep 100000', name: 'web', instances: 2 });
  const before = await listApps(t.env);

  const below = await runCli(['scale', 'web', '-3'], t.env);
  assert.equal(below.code, 1, below.stderr);
  assert.match(below.stderr, /^pm: cannot scale "web" to -1[^\n]*\n$/);
  for (const args of [
    ['scale', 'nope', '2'],
    ['scale', 'web', 'x'],
    ['scale', 'web', '2.5'],
  ]) {
    const result = await runCli(args, t.env);
    assert.equal(result.code, 1, `pm ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    assert.match(result.stderr, /\S/, `pm ${args.join(' ')} said nothing on stderr`);
  }
  assert.deepEqual(
    (await listApps(t.env)).map((p) => p.pid),
    before.map((p) => p.pid),
  );
});
