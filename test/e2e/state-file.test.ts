// $PM_HOME/state.json: rewritten atomically on every change, so that it is always valid JSON
// listing the apps and the states of their instances.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { pm } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { startApp } from '../helpers/start-app.js';
import { waitFor } from '../helpers/wait-for.js';

const t = setupTempHome();

interface StateFile {
  pool: {
    apps: Array<{
      spec: { name: string };
      instances: Array<{ index: number; status: string; pid: number | null }>;
    }>;
  };
}

function readState(): StateFile {
  return JSON.parse(fs.readFileSync(path.join(t.home, 'state.json'), 'utf8'));
}

/** [app, index, status] for every instance in the state file. */
function summary(): Array<[string, number, string]> {
  return readState().pool.apps.flatMap((app) =>
    app.instances.map((p): [string, number, string] => [app.spec.name, p.index, p.status]),
  );
}

async function waitForState(expected: Array<[string, number, string]>): Promise<void> {
  await waitFor(() => JSON.stringify(summary()) === JSON.stringify(expected), {
    message: `the state file to hold ${JSON.stringify(expected)} (has ${JSON.stringify(summary())})`,
  });
}

test('the state file lists the apps and their instance states after each change', async () => {
  await startApp(t.env, { script: 'sleep 100000', name: 'web', instances: 2 });
  await waitForState([
    ['web', 0, 'online'],
    ['web', 1, 'online'],
  ]);
  const [web0] = readState().pool.apps[0]!.instances;
  assert.ok(Number.isInteger(web0?.pid));

  await startApp(t.env, { script: 'sleep 100000', name: 'files' });
  await pm(['scale', 'web', '+1'], t.env);
  await waitForState([
    ['web', 0, 'online'],
    ['web', 1, 'online'],
    ['web', 2, 'online'],
    ['files', 0, 'online'],
  ]);

  await pm(['stop', 'web:0'], t.env);
  await pm(['pause', 'files'], t.env);
  await waitForState([
    ['web', 0, 'stopped'],
    ['web', 1, 'online'],
    ['web', 2, 'online'],
    ['files', 0, 'paused'],
  ]);

  await pm(['delete', 'web'], t.env);
  await waitForState([['files', 0, 'paused']]);
});

test('the state file is valid JSON at every moment of a burst of changes', async () => {
  const file = path.join(t.home, 'state.json');
  await pm(['ping'], t.env);
  let reads = 0;
  let running = true;
  const reader = (async () => {
    while (running) {
      JSON.parse(fs.readFileSync(file, 'utf8'));
      reads += 1;
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();

  await startApp(t.env, { script: 'sleep 100000', name: 'burst', instances: 6 });
  await pm(['scale', 'burst', '2'], t.env);
  await pm(['restart', 'all'], t.env);
  running = false;
  await reader;

  assert.ok(reads > 10, `only ${reads} reads`);
  assert.deepEqual(summary(), [
    ['burst', 0, 'online'],
    ['burst', 1, 'online'],
  ]);
  assert.equal(fs.existsSync(`${file}.tmp`), false);
});
