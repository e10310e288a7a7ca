// An app defined with 0 instances (a config's `instances: 0`, or `pm scale app 0`) stays defined:
// pm list shows a row for it, pm list --json an entry with instances 0, and pm describe describes it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { pm } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';

const t = setupTempHome();

interface Entry {
  id: number | null;
  name: string;
  index: number | null;
  pid: number | null;
  state: string;
  instances: number;
}

async function listJson(): Promise<Entry[]> {
  return JSON.parse((await pm(['list', '--json'], t.env)).stdout) as Entry[];
}

function rowOf(table: string, name: string): string[] | undefined {
  return table
    .split('\n')
    .filter((line) => line.startsWith('│'))
    .map((line) =>
      line
        .split('│')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    )
    .find((cells) => cells[1] === name);
}

test('an app from a config with instances: 0 is listed, listed as JSON and described', async () => {
  const config = path.join(t.home, '..', `${path.basename(t.home)}-zero.yaml`);
  fs.writeFileSync(
    config,
    'apps:\n  - name: idle\n    command: sleep 100000\n    instances: 0\n  - name: web\n    command: sleep 100000\n',
  );
  try {
    await pm(['start', config], t.env);
    const entries = await listJson();
    const idle = entries.find((e) => e.name === 'idle');
    assert.deepEqual(
      idle && { id: idle.id, index: idle.index, pid: idle.pid, state: idle.state, instances: idle.instances },
      { id: null, index: null, pid: null, state: 'stopped', instances: 0 },
    );
    assert.equal(entries.find((e) => e.name === 'web')?.instances, 1);
    assert.deepEqual(rowOf((await pm(['list'], t.env)).stdout, 'idle'), [
      '-',
      'idle',
      '-',
      'stopped (0 instances)',
      '-',
      '-',
      '-',
      '-',
      '-',
    ]);
    const described = (await pm(['describe', 'idle'], t.env)).stdout;
    assert.match(described, /^app idle$/m);
    assert.match(described, /^ {2}instances +0$/m);
  } finally {
    fs.rmSync(config, { force: true });
  }
});

test('an app scaled to 0 keeps its row until it is scaled up or deleted', async () => {
  await pm(['start', 'sleep 100000', '--name', 'web', '-i', '2'], t.env);
  await pm(['scale', 'web', '0'], t.env);
  assert.deepEqual(
    (await listJson()).map((e) => [e.name, e.index, e.state, e.instances]),
    [['web', null, 'stopped', 0]],
  );
  assert.deepEqual(rowOf((await pm(['list'], t.env)).stdout, 'web')?.slice(0, 4), [
    '-',
    'web',
    '-',
    'stopped (0 instances)',
  ]);
  await pm(['scale', 'web', '1'], t.env);
  assert.deepEqual(
    (await listJson()).map((e) => [e.name, e.index, e.instances]),
    [['web', 0, 1]],
  );
  await pm(['scale', 'web', '0'], t.env);
  await pm(['delete', 'web'], t.env);
  assert.deepEqual(await listJson(), []);
});
