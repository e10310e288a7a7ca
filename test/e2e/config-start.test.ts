// `pm start config.yaml` applies a whole file: starts what is missing, restarts only what changed,
// and a bad file starts or changes nothing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { listApps, request } from '../helpers/daemon.js';
import { FIXTURES, fixtureApp, pm, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const TWO_APPS = path.join(FIXTURES, 'configs/two-apps.yaml');
const EVERY_ERROR = path.join(FIXTURES, 'configs/every-error.yaml');

const t = setupTempHome();

/** Pids by instance (`web:0` → pid), once every instance of the given count is online. */
async function onlinePids(count: number): Promise<Record<string, number>> {
  const list = await waitFor(
    async () => {
      const infos = await listApps(t.env);
      return infos.length === count && infos.every((p) => p.status === 'online') ? infos : null;
    },
    { timeoutMs: 30_000, message: `${count} online instances` },
  );
  return Object.fromEntries(list.map((p) => [`${p.name}:${p.index}`, p.pid!]));
}

function writeTwoApps(workerQueue: string): string {
  const file = path.join(t.home, 'pm.yaml');
  const forever = fixtureApp('forever.js');
  fs.writeFileSync(
    file,
    `apps:
  - { name: web, script: ${forever}, instances: 2, env: { COLOR: blue } }
  - { name: worker, script: ${forever}, env: { QUEUE: ${workerQueue} } }
`,
  );
  return file;
}

test('pm start config.yaml starts every app of the file, and starting it again changes nothing', async () => {
  await pm(['start', TWO_APPS], t.env);
  const before = await onlinePids(3);
  assert.deepEqual(Object.keys(before).sort(), ['web:0', 'web:1', 'worker:0']);
  await pm(['start', TWO_APPS], t.env);
  assert.deepEqual(await onlinePids(3), before);
});

test('starting a config again after one app changed its env restarts only that app', async () => {
  await pm(['start', writeTwoApps('emails')], t.env);
  const before = await onlinePids(3);
  await pm(['start', writeTwoApps('invoices')], t.env);
  const after = await waitFor(async () => {
    const pids = await onlinePids(3);
    return pids['worker:0'] !== before['worker:0'] ? pids : null;
  });
  assert.equal(after['web:0'], before['web:0']);
  assert.equal(after['web:1'], before['web:1']);
  const [worker] = await request(t.env, { type: 'describe', target: { kind: 'name', name: 'worker' } });
  assert.deepEqual(worker?.spec.env, { QUEUE: 'invoices' });
});

test('a config whose only change is an instance count scales the app and leaves the kept instances running', async () => {
  const file = writeTwoApps('emails');
  await pm(['start', file], t.env);
  const before = await onlinePids(3);
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('instances: 2', 'instances: 3'));
  await pm(['start', file], t.env);
  const after = await onlinePids(4);
  assert.equal(after['web:0'], before['web:0']);
  assert.equal(after['web:1'], before['web:1']);
  assert.equal(after['worker:0'], before['worker:0']);
  assert.ok(after['web:2']);
});

test('--only starts just the named apps; pm delete config.yaml removes the apps of the file and no other', async () => {
  await pm(['start', TWO_APPS, '--only', 'worker'], t.env);
  assert.deepEqual(Object.keys(await onlinePids(1)), ['worker:0']);
  await pm(['start', fixtureApp('forever.js'), '--name', 'other'], t.env);
  await pm(['start', TWO_APPS], t.env);
  await onlinePids(4);
  await pm(['delete', TWO_APPS], t.env);
  assert.deepEqual(
    (await listApps(t.env)).map((p) => p.name),
    ['other'],
  );
});

test('--env production starts each app with its env_production: merged over env:', async () => {
  const report = path.join(t.home, 'env');
  const file = path.join(t.home, 'pm.yaml');
  fs.writeFileSync(
    file,
    `apps:
  - name: printer
    script: ${fixtureApp('print-env.js')}
    args: [${report}, MODE, LEVEL]
    env: { MODE: development, LEVEL: 1 }
    env_production: { MODE: production }
`,
  );
  await pm(['start', file, '--env', 'production'], t.env);
  const seen = await waitFor(
    () => fs.existsSync(`${report}.0.json`) && JSON.parse(fs.readFileSync(`${report}.0.json`, 'utf8')),
  );
  assert.equal(seen.env.MODE, 'production');
  assert.equal(seen.env.LEVEL, '1');
});

test('a bad config exits 1 with every error on its own line, and starts no daemon', async () => {
  const result = await runCli(['start', EVERY_ERROR], t.env);
  assert.equal(result.code, 1);
  const lines = result.stderr.trim().split('\n');
  assert.match(lines[0]!, /^pm: .*every-error\.yaml: 7 errors, nothing was started or changed$/);
  assert.equal(lines.length, 8);
  assert.match(
    lines[1]!,
    /every-error\.yaml:4:5: process_management\.recovery\.max_restart: .*did you mean "max_restarts"\?$/,
  );
  assert.equal(fs.existsSync(path.join(t.home, 'daemon.sock')), false);
});

test('a bad config leaves a running set exactly as it was', async () => {
  await pm(['start', writeTwoApps('emails')], t.env);
  const before = await onlinePids(3);
  const file = writeTwoApps('changed');
  fs.appendFileSync(file, '  - { name: broken, script: missing.js }\n');
  const result = await runCli(['start', file], t.env);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /apps\[2\]\.script: found "missing\.js"/);
  assert.deepEqual(await onlinePids(3), before);
  const [worker] = await request(t.env, { type: 'describe', target: { kind: 'name', name: 'worker' } });
  assert.deepEqual(worker?.spec.env, { QUEUE: 'emails' });
});

test('options that define a single app are refused with a config file', async () => {
  const result = await runCli(['start', TWO_APPS, '--name', 'x', '-i', '3'], t.env);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /--name, --instances: not used with a config file; set them for each app in /);
});
