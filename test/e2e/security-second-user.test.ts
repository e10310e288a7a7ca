// A real second user on the machine, against a root daemon in a shared sticky directory (a CI's
// /tmp): what the issue says an attacker did, done as that user. It cannot place root's home under
// a directory it owns, cannot make root's daemon write through a link it planted under the
// fallback's predictable name, and cannot reach root's socket, logs or state file.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import type { PmEvent } from '../../src/protocol/events.js';
import { readDaemonPidFile } from '../helpers/proc.js';
import { fixtureApp, PM_BIN, pm, runCli } from '../helpers/run-cli.js';
import { killAll, processesOf } from '../helpers/temp-home.js';
import { waitFor } from '../helpers/wait-for.js';
import { linesOf, startApp } from './logs-helpers.js';

const USER = `pmtest${crypto.randomBytes(3).toString('hex')}`;
let skipReason: string | null = null;
let shared = '';
let attackerUid = -1;

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

/** Runs a command as the attacker; its output and exit status, never a throw. */
function asAttacker(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; out: string } {
  const result = spawnSync(
    'runuser',
    ['-u', USER, '--', 'env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...args],
    {
      encoding: 'utf8',
      timeout: 10_000,
    },
  );
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

before(() => {
  if (process.getuid?.() !== 0) skipReason = 'needs root: it creates a user with useradd';
  else if (!hasCommand('useradd') || !hasCommand('userdel'))
    skipReason = 'useradd is missing (package passwd)';
  else if (!hasCommand('runuser')) skipReason = 'runuser is missing (package util-linux)';
  if (skipReason) return;
  // The shared directory plays /tmp: root's, world-writable and sticky.
  shared = fs.mkdtempSync('/tmp/pm-shared-');
  fs.chmodSync(shared, 0o1777);
  execFileSync(
    'useradd',
    ['--create-home', '--home-dir', path.join(shared, USER), '--shell', '/bin/sh', USER],
    {
      stdio: 'pipe',
    },
  );
  attackerUid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim());
});

after(() => {
  // The attacker's commands ran to their end (spawnSync): nothing of theirs is left to stop.
  if (attackerUid >= 0) spawnSync('userdel', ['-r', USER], { stdio: 'pipe' });
  if (shared) fs.rmSync(shared, { recursive: true, force: true });
});

// Root's daemons of the test, whatever the outcome: by the pid file and by the home in their environment.
const homes: string[] = [];
afterEach(async () => {
  for (const home of homes.splice(0)) {
    const daemon = readDaemonPidFile(home);
    if (daemon !== null) killAll([daemon]);
    await waitFor(
      () => {
        const left = processesOf(home);
        killAll(left);
        return left.length === 0;
      },
      { timeoutMs: 5000, message: `no process of ${home} left` },
    );
  }
});

/** Root's home (a name in the shared directory, or a path), and the environment of a root `pm` that uses it. */
function rootHome(name: string): { home: string; env: NodeJS.ProcessEnv } {
  const home = path.resolve(shared, name);
  homes.push(home);
  return { home, env: { ...process.env, PM_HOME: home, TMPDIR: shared, NO_COLOR: '1', PM_START_WAIT: '0' } };
}

test('a PM_HOME inside a directory the attacker owns is refused, naming it and the fix', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const evil = path.join(shared, `${USER}-dir`);
  assert.equal(asAttacker(['mkdir', '-m', '777', evil]).status, 0);
  const planted = path.join(shared, `${USER}-home`);
  assert.equal(asAttacker(['mkdir', '-m', '700', planted]).status, 0);
  const cases: Array<[string, RegExp]> = [
    // Not yet made: the attacker would own the directory above it, and could swap it.
    [
      path.join(evil, 'home'),
      new RegExp(`inside ${evil}, which belongs to uid ${attackerUid}: .*choose a PM_HOME`),
    ],
    // Made in advance by the attacker, to receive root's requests.
    [
      planted,
      new RegExp(
        `PM_HOME ${planted} belongs to uid ${attackerUid}, .*set PM_HOME to a directory of your own`,
      ),
    ],
  ];
  for (const [home, message] of cases) {
    const result = await runCli(['start', 'sleep 100000', '--name', 'x'], rootHome(home).env);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, message);
    assert.deepEqual(processesOf(home), [], 'a daemon was started');
  }
  assert.deepEqual(fs.readdirSync(evil), [], 'root wrote into the attacker directory');
  assert.deepEqual(fs.readdirSync(planted), [], 'root wrote into the planted home');
});

/** The `log-fallback` events of a home so far, or null while there are none (for waitFor). */
function fallbackEvents(home: string): PmEvent[] | null {
  const found = linesOf(path.join(home, 'events.log'))
    .map((line) => JSON.parse(line) as PmEvent)
    .filter((event) => event.type === 'log-fallback');
  return found.length > 0 ? found : null;
}

for (const [i, plant] of ['a symlink to a directory of its own', 'a directory of its own'].entries()) {
  test(`${plant} under the fallback's predictable name in the shared temp dir is never written through`, async (t) => {
    if (skipReason) return t.skip(skipReason);
    const root = rootHome(`root-home-${i}`);
    const target = path.join(shared, `${USER}-loot-${i}`);
    const predictable = path.join(shared, 'pm-0-logs-fallback');
    fs.rmSync(predictable, { recursive: true, force: true });
    assert.equal(asAttacker(['mkdir', '-m', '777', target]).status, 0);
    const planting = plant.startsWith('a symlink')
      ? ['ln', '-s', target, predictable]
      : ['mkdir', '-m', '777', predictable];
    assert.equal(asAttacker(planting).status, 0);

    await startApp(root, 'leak', fixtureApp('log-burst.js'), { args: ['0', '20'] });
    await waitFor(() => linesOf(path.join(root.home, 'logs', 'leak-0.out.log')).length >= 2);
    // Both rungs in the home fail (a file where each directory was): the next is the temp dir.
    for (const dir of ['logs', 'logs-fallback']) {
      fs.rmSync(path.join(root.home, dir), { recursive: true, force: true });
      fs.writeFileSync(path.join(root.home, dir), 'in the way\n');
    }
    const events = await waitFor(() => fallbackEvents(root.home), { message: 'a log-fallback event' });
    const used = path.dirname(String(events[0]!.data?.fallback));
    assert.match(used, new RegExp(`^${predictable}-[A-Za-z0-9]{6}$`), `root used ${used}`);
    const stat = fs.lstatSync(used);
    assert.ok(
      stat.isDirectory() && stat.uid === 0 && (stat.mode & 0o777) === 0o700,
      'not a private directory of root',
    );
    await waitFor(() => linesOf(path.join(used, 'leak-0.out.log')).length >= 3, {
      message: 'lines in the private fallback',
    });
    assert.deepEqual(fs.readdirSync(target), [], 'root wrote into the attacker directory');
    if (fs.lstatSync(predictable).isDirectory()) assert.deepEqual(fs.readdirSync(predictable), []);
    assert.match(asAttacker(['cat', path.join(used, 'leak-0.out.log')]).out, /Permission denied/);
    await pm(['kill'], root.env);
  });
}

const CONNECT = `require('node:net').connect(process.argv[1])
  .on('connect', () => { console.log('connected'); process.exit(0); })
  .on('error', (error) => { console.log(error.code); process.exit(0); });`;

test("the attacker cannot connect to root's socket, read its logs or its state, or steer it with pm", async (t) => {
  if (skipReason) return t.skip(skipReason);
  const root = rootHome('root-home');
  await startApp(root, 'secret', fixtureApp('log-burst.js'), { args: ['5'] });
  const socket = path.join(root.home, 'daemon.sock');
  const files = [path.join(root.home, 'state.json'), path.join(root.home, 'logs', 'secret-0.out.log')];
  await waitFor(() => files.every((file) => fs.existsSync(file)), { message: 'state and log files' });

  const attempt = () => {
    assert.equal(asAttacker([process.execPath, '-e', CONNECT, socket]).out.trim(), 'EACCES');
    for (const file of files) assert.match(asAttacker(['cat', file]).out, /Permission denied/, file);
  };
  attempt();
  // Even with the home opened for traversal by mistake, the socket and the files are private.
  fs.chmodSync(root.home, 0o711);
  try {
    attempt();
  } finally {
    fs.chmodSync(root.home, 0o700);
  }
  // pm itself, run by the attacker with root's home, refuses to use a home that is not theirs.
  const steer = asAttacker([process.execPath, PM_BIN, 'stop', 'all'], { PM_HOME: root.home });
  assert.equal(steer.status, 1, steer.out);
  assert.match(steer.out, new RegExp(`PM_HOME ${root.home} belongs to uid 0, not to you`));
  const [app] = JSON.parse((await pm(['list', '--json'], root.env)).stdout) as Array<{ state: string }>;
  assert.equal(app?.state, 'online');
  await pm(['kill'], root.env);
});
