// pm save / pm kill / pm resurrect: the same apps come back with the same definitions and env.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { listApps, request } from '../helpers/daemon.js';
import { FIXTURES, pm, runCli } from '../helpers/run-cli.js';
import { createTempHome, type TempHome } from '../helpers/temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const TWO_APPS = path.join(FIXTURES, 'configs/two-apps.yaml');

let t: TempHome;
let dump: string;
beforeEach(() => {
  t = createTempHome();
  dump = path.join(t.home, 'dump.yaml');
});
afterEach(async () => {
  await t.cleanup();
});

async function allOnline(count: number) {
  return waitFor(
    async () => {
      const infos = await listApps(t.env);
      return infos.length === count && infos.every((p) => p.status === 'online') ? infos : null;
    },
    { timeoutMs: 30_000, message: `${count} online instances` },
  );
}

const specs = async () =>
  (await request(t.env, { type: 'describe', target: { kind: 'all' } })).map((app) => app.spec);

test('save, kill, resurrect brings back the same apps with the same env, from a 0600 dump', async () => {
  await pm(['start', TWO_APPS], t.env);
  await allOnline(3);
  const saved = await specs();
  const { stdout } = await pm(['save'], t.env);
  assert.match(stdout, /^saved 2 apps to .*dump\.yaml \(web, worker\)$/m);
  assert.equal(fs.statSync(dump).mode & 0o777, 0o600);
  await pm(['kill'], t.env);
  await pm(['resurrect'], t.env);
  await allOnline(3);
  assert.deepEqual(await specs(), saved);
  assert.deepEqual(
    (await specs()).map((spec) => spec.env),
    [{ COLOR: 'blue' }, { QUEUE: 'emails' }],
  );
});

test('resurrect leaves apps that are already running alone', async () => {
  await pm(['start', TWO_APPS], t.env);
  const before = (await allOnline(3)).map((p) => p.pid);
  await pm(['save'], t.env);
  const { stdout } = await pm(['resurrect'], t.env);
  assert.match(stdout, /already running, left alone: web, worker/);
  assert.deepEqual(
    (await allOnline(3)).map((p) => p.pid),
    before,
  );
});

test('save refuses to replace a non-empty dump with an empty app list unless --force, and keeps a .bak', async () => {
  await pm(['start', TWO_APPS], t.env);
  await allOnline(3);
  await pm(['save'], t.env);
  const full = fs.readFileSync(dump, 'utf8');
  await pm(['delete', 'all'], t.env);
  const refused = await runCli(['save'], t.env);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /holds 2 saved apps: start your apps first, or pass --force/);
  assert.equal(fs.readFileSync(dump, 'utf8'), full);
  await pm(['save', '--force'], t.env);
  assert.equal(fs.readFileSync(`${dump}.bak`, 'utf8'), full);
  assert.match(fs.readFileSync(dump, 'utf8'), /^apps: \[\]$/m);
});

test('resurrect without a dump says to save first', async () => {
  const result = await runCli(['resurrect'], t.env);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /nothing saved yet .*: run `pm save` first/);
});
