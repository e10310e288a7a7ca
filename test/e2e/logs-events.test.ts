// `pm events`: the lifecycle of a crash-restart cycle, one event per line, with --json and --since.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { PmEvent } from '../../src/protocol/events.js';
import { fixtureApp, pm } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const t = setupTempHome();

async function events(...args: string[]): Promise<PmEvent[]> {
  const { stdout } = await pm(['events', '--json', '--lines', '100', ...args], t.env);
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

test('a crash and its restart show as started, exited with the code, started again', async () => {
  fs.writeFileSync(
    path.join(t.home, 'events.log'),
    `${JSON.stringify({ ts: Date.parse('2020-01-01'), type: 'started', severity: 'info', app: 'ancient', message: 'long ago' })}\n`,
  );
  await pm(['start', fixtureApp('exit-with.js'), '--name', 'crashy', '--', '3', '300'], t.env);
  const cycle = await waitFor(
    async () => {
      const found = (await events()).filter((e) => e.app === 'crashy');
      const firstExit = found.findIndex((e) => e.type === 'exited');
      return firstExit > 0 && found.slice(firstExit).some((e) => e.type === 'started') ? found : null;
    },
    { timeoutMs: 20_000, message: 'started, exited, started' },
  );
  const types = cycle.map((e) => e.type);
  assert.equal(types[0], 'started');
  const exited = cycle.find((e) => e.type === 'exited')!;
  assert.equal(exited.data?.code, 3);
  assert.equal(exited.index, 0);
  assert.ok(types.indexOf('started', types.indexOf('exited')) > 0, types.join(' '));

  const text = (await pm(['events', '--lines', '100'], t.env)).stdout;
  assert.match(text, /^\S+Z crashy:0 exited: .*$/m);
  assert.match(text, /ancient started: long ago/);
  const recent = await events('--since', '10m');
  assert.ok(!recent.some((e) => e.app === 'ancient'), '--since kept an event from 2020');
  assert.ok(recent.some((e) => e.app === 'crashy' && e.type === 'exited'));
});
