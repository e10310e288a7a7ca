// pm describe, and what each instance receives: its name and index, the user's env and cwd.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { listApps } from '../helpers/daemon.js';
import { fixtureApp, pm, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const t = setupTempHome();

const SECRETS = ['s3cr3t-token-value', 'hunter2-password'];

test('describe shows the definition, state and log paths of an app, with secret-looking env values masked', async () => {
  await pm(
    [
      'start',
      fixtureApp('forever.js'),
      '--name',
      'web',
      '--kill-timeout',
      '2s',
      '--env',
      `API_TOKEN=${SECRETS[0]}`,
      '--env',
      `DB_PASSWORD=${SECRETS[1]}`,
      '--env',
      'PORT=3000',
    ],
    t.env,
  );
  const [info] = await listApps(t.env);

  const text = (await pm(['describe', 'web'], t.env)).stdout;
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `describe printed the secret ${secret}`);
  assert.match(text, /^app web$/m);
  assert.match(text, new RegExp(`command\\s+${fixtureApp('forever.js')}`));
  assert.match(text, /^\s+env\s+API_TOKEN=\*\*\*\* DB_PASSWORD=\*\*\*\* PORT=3000$/m);
  assert.match(text, /stop\s+SIGTERM, SIGKILL after 2000 ms/);
  assert.match(text, /state\s+online/);
  assert.match(text, new RegExp(`pid\\s+${info!.pid}`));
  assert.ok(text.includes(path.join(t.home, 'logs')), 'describe does not show the log paths');

  const jsonText = (await pm(['describe', 'web', '--json'], t.env)).stdout;
  for (const secret of SECRETS)
    assert.ok(!jsonText.includes(secret), `describe --json printed the secret ${secret}`);
  const [app] = JSON.parse(jsonText);
  assert.deepEqual(app.spec.env, { API_TOKEN: '****', DB_PASSWORD: '****', PORT: '3000' });
  assert.deepEqual(app.spec.baseEnv, {}, 'describe --json shows the whole inherited environment');
  assert.equal(app.spec.stop.killTimeoutMs, 2000);
  assert.equal(app.instances.length, 1);
  assert.equal(app.instances[0].status, 'online');
  assert.equal(app.instances[0].pid, info!.pid);
  assert.deepEqual(app.instances[0].history, []);
});

test('describe shows the last exit code and the restart history of a crashed instance', async () => {
  await pm(['start', fixtureApp('exit-with.js'), '--name', 'crashy', '--', '3', '300'], t.env);
  await waitFor(async () => ((await listApps(t.env))[0]?.restarts ?? 0) >= 1, { message: 'a restart' });

  const text = (await pm(['describe', 'crashy:0'], t.env)).stdout;
  assert.match(text, /last exit\s+code 3 at /);
  assert.match(text, /history\s+\S+ exited with code 3; restart in \d+ ms/);
});

test('each instance gets PM_APP_NAME, PM_INSTANCE, the --env values and --cwd, not the daemon environment', async () => {
  // The daemon is started by a CLI whose environment has a variable that the app must not see.
  await pm(['ping'], { ...t.env, DAEMON_ONLY: 'leaked' });
  const workDir = path.join(t.home, 'work');
  fs.mkdirSync(workDir);
  const out = path.join(t.home, 'env');
  const result = await runCli(
    [
      'start',
      fixtureApp('print-env.js'),
      '--name',
      'envy',
      '-i',
      '2',
      '--cwd',
      'work',
      '--env',
      'FOO=bar',
      '-e',
      'EQUALS=a=b',
      '--',
      out,
      'FOO',
      'EQUALS',
      'FROM_CLI',
      'DAEMON_ONLY',
    ],
    { ...t.env, FROM_CLI: 'cli' },
    { cwd: t.home },
  );
  assert.equal(result.code, 0, result.stderr);

  for (const index of [0, 1]) {
    const file = `${out}.${index}.json`;
    const report = await waitFor(() => fs.existsSync(file) && JSON.parse(fs.readFileSync(file, 'utf8')), {
      message: `the report of instance ${index}`,
    });
    assert.deepEqual(report.env, {
      PM_APP_NAME: 'envy',
      PM_INSTANCE: String(index),
      PM_ID: String(report.env.PM_ID),
      FOO: 'bar',
      EQUALS: 'a=b',
      FROM_CLI: 'cli',
      DAEMON_ONLY: null,
    });
    assert.match(report.env.PM_ID, /^\d+$/);
    assert.equal(report.cwd, fs.realpathSync(workDir));
  }
});
