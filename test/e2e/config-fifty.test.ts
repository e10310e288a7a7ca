// A config of 50 apps starts with one command.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { listApps, request } from '../helpers/daemon.js';
import { FIXTURES, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const t = setupTempHome();

test('pm start with a config of 50 apps brings all 50 online, each with its own env', async () => {
  const result = await runCli(['start', path.join(FIXTURES, 'configs/fifty-apps.yaml')], t.env, {
    timeoutMs: 120_000,
  });
  assert.equal(result.code, 0, result.stderr);
  await waitFor(
    async () => {
      const infos = await listApps(t.env);
      return infos.length === 50 && infos.every((p) => p.status === 'online');
    },
    { timeoutMs: 90_000, message: '50 apps online' },
  );
  const apps = await request(t.env, { type: 'describe', target: { kind: 'all' } });
  assert.deepEqual(
    apps.map((app) => [app.spec.name, app.spec.env.APP_NUMBER]),
    Array.from({ length: 50 }, (_, i) => [`app-${String(i + 1).padStart(2, '0')}`, String(i + 1)]),
  );
});
