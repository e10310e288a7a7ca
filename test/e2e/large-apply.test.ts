// Requests larger than one frame (1 MiB): a config of 450 apps that each carry the 4.5 KB
// environment of the shell, the 2.8 MB dump `pm save` makes of them, and one app too large for
// any request, which is refused in one line that says why.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { buildAppSpec, currentEnv } from '../../src/config/app-spec/build-app-spec.js';
import { writeDump } from '../../src/config/dump-file.js';
import { listApps } from '../helpers/daemon.js';
import { fixtureApp, pm } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const t = setupTempHome();

const APPS = 450;
const PADDING = 'x'.repeat(4500);
const RUNNING = 5;

/** 450 apps, the first 5 of them running (the point is the size of the request, not the processes). */
function writeConfig(): string {
  const file = path.join(t.home, 'many.yaml');
  const apps = Array.from({ length: APPS }, (_, i) =>
    [
      `  - name: app-${String(i).padStart(3, '0')}`,
      `    script: ${fixtureApp('forever.js')}`,
      `    instances: ${i < RUNNING ? 1 : 0}`,
    ].join('\n'),
  );
  fs.writeFileSync(file, `apps:\n${apps.join('\n')}\n`);
  return file;
}

const ping = async (env: NodeJS.ProcessEnv) => JSON.parse((await pm(['ping', '--json'], env)).stdout);

async function runningOnline(env: NodeJS.ProcessEnv): Promise<void> {
  await waitFor(
    async () => {
      const infos = await listApps(env);
      return infos.length === RUNNING && infos.every((p) => p.status === 'online');
    },
    { timeoutMs: 20_000, message: `${RUNNING} online instances` },
  );
}

test('450 apps from a shell with a 4.5 KB environment start from one config', async () => {
  const env = { ...t.env, PM_TEST_PADDING: PADDING };
  await pm(['start', writeConfig()], env);
  const { apps, instances } = await ping(env);
  assert.deepEqual([apps, instances], [APPS, RUNNING]);
  await runningOnline(env);
});

test('pm resurrect of a 2.8 MB dump brings back every app', async () => {
  // Written directly: `pm save` keeps only apps with instances, and most of these have none.
  const baseEnv = { ...currentEnv(), ...t.env, PM_TEST_PADDING: PADDING } as Record<string, string>;
  const specs = Array.from({ length: APPS }, (_, i) =>
    buildAppSpec(
      { name: `app-${i}`, script: fixtureApp('forever.js'), instances: i < RUNNING ? 1 : 0 },
      // A copy each, as the daemon's replies give them: one shared object would be a YAML alias.
      { baseDir: t.home, baseEnv: { ...baseEnv } },
    ),
  );
  const dump = path.join(t.home, 'dump.yaml');
  writeDump(dump, { apps: specs, settings: {} }, { force: false });
  assert.ok(fs.statSync(dump).size > 2.5 * 1024 * 1024, `the dump is only ${fs.statSync(dump).size} bytes`);
  await pm(['resurrect'], t.env);
  assert.equal((await ping(t.env)).apps, APPS);
  await runningOnline(t.env);
});

test('an app whose definition alone is over 1 MiB is refused in one line that says why, exit 1', async () => {
  await pm(['ping'], t.env);
  // Ten variables of 110 KB: under the kernel's 128 KiB per variable, 1.1 MB in all.
  const padding = Object.fromEntries(
    Array.from({ length: 10 }, (_, i) => [`PM_TEST_PAD_${i}`, 'x'.repeat(110_000)]),
  );
  const refused = await pm(
    ['start', fixtureApp('forever.js'), '--name', 'huge'],
    { ...t.env, ...padding },
    1,
  );
  assert.match(refused.stderr, /^pm: app "huge": .*1 MiB.*environment.*\n$/);
  assert.equal((await ping(t.env)).apps, 0);
});
