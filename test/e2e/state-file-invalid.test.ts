// A state file that does not check out (hand-edited, damaged, from another version) never stops the
// daemon: it is moved aside, said once in daemon.log and as an event, and what checks out is restored.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { listApps } from '../helpers/daemon.js';
import { isGone, readDaemonPidFile } from '../helpers/proc.js';
import { readEvents } from '../helpers/recovery.js';
import { pm } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { startApp } from '../helpers/start-app.js';
import { waitFor } from '../helpers/wait-for.js';

const t = setupTempHome();

const movedAside = () => fs.readdirSync(t.home).filter((name) => name.startsWith('state.json.bad-'));

async function killDaemon(): Promise<void> {
  const pid = readDaemonPidFile(t.home)!;
  process.kill(pid, 'SIGKILL');
  await waitFor(() => isGone(pid), { message: 'the daemon gone' });
}

test('an app that does not check out is left out; the others are adopted; the file is kept aside', async () => {
  const [web] = await startApp(t.env, { script: 'sleep 100000', name: 'web' });
  const file = path.join(t.home, 'state.json');
  await waitFor(() => fs.readFileSync(file, 'utf8').includes('"online"'), {
    message: 'web online in the file',
  });
  await killDaemon();
  const state = JSON.parse(fs.readFileSync(file, 'utf8'));
  const broken = structuredClone(state.pool.apps[0]);
  broken.spec = { ...broken.spec, name: 'api', instances: -1 };
  broken.instances = [];
  state.pool.apps.push(broken);
  fs.writeFileSync(file, JSON.stringify(state));

  // The CLI starts the next daemon (a dying daemon's socket may still accept for a moment).
  const { stderr } = await pm(['ping'], t.env);
  assert.match(
    stderr,
    /^pm: warning: state file did not check out \(pool\.apps\[1\]\.spec\.instances: .*\); moved to .*state\.json\.bad-\d+, restored what did\n$/,
  );
  assert.equal((await pm(['ping'], t.env)).stderr, '', 'told once');
  const apps = await listApps(t.env);
  assert.deepEqual(
    apps.map((p) => [p.name, p.status, p.pid]),
    [['web', 'online', web!.pid]],
  );
  assert.equal(movedAside().length, 1);
  const [event] = readEvents(t.home).filter((e) => e.type === 'state-invalid');
  assert.equal(event?.severity, 'alert');
  assert.match(
    event!.message,
    /pool\.apps\[1\]\.spec\.instances: expected an integer in 0\.\.10000, found number/,
  );
  const log = fs.readFileSync(path.join(t.home, 'daemon.log'), 'utf8');
  assert.equal(log.split('\n').filter((line) => line.includes('state file did not check out')).length, 1);
});

test('a state file that is not JSON, or of another version, is moved aside and the daemon starts', async () => {
  const file = path.join(t.home, 'state.json');
  fs.writeFileSync(file, '{"version": 1, "pool": {"nextId": 0, "ap');
  await pm(['ping'], t.env);
  assert.equal(movedAside().length, 1);
  assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).version, 2, 'a fresh state file is written');
  await killDaemon();

  fs.writeFileSync(file, JSON.stringify({ version: 99, pool: {} }));
  await pm(['ping'], t.env);
  assert.equal(movedAside().length, 2);
  const messages = readEvents(t.home)
    .filter((e) => e.type === 'state-invalid')
    .map((e) => e.message);
  assert.match(messages[1]!, /format version 99; this daemon reads versions 1 and 2/);
});
