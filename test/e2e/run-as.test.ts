// Isolation of an app's processes: the user and group it runs as, its umask, its rlimits and a
// clean environment; and the refusals that define nothing (a user that does not exist, a pm that
// is not root). These tests run as root, as CI does.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { ListJsonEntry } from '../../src/cli/output/list-json.js';
import { systemUserDb } from '../../src/config/app-spec/user-db.js';
import { PM_BIN, pm, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { killAll, processesOf } from '../helpers/temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const nobody = systemUserDb.findUser('nobody')!;

// A directory every user may enter and write to, outside the home (0700): the app's cwd.
let work = '';
const t = setupTempHome({
  setup: () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-run-as-'));
    fs.chmodSync(work, 0o777);
  },
  teardown: () => fs.rmSync(work, { recursive: true, force: true }),
});

/** A config of one app, `app`; `keys` are its lines after name: (command: sleep by default). */
function writeConfig(keys: string): string {
  const file = path.join(work, 'pm.yaml');
  const command = keys.includes('command:') ? '' : '    command: sleep 100000\n';
  fs.writeFileSync(file, `apps:\n  - name: app\n${command}${keys}`);
  return file;
}

async function onlineInstance(): Promise<ListJsonEntry> {
  return waitFor(
    async () => {
      const list: ListJsonEntry[] = JSON.parse((await pm(['list', '--json'], t.env)).stdout);
      return list.find((p) => p.state === 'online' && p.pid !== null);
    },
    { message: 'app online' },
  );
}

/** The values of a `Name:\tv1\tv2...` line of /proc/<pid>/status. */
function statusLine(pid: number, name: string): string[] {
  const line = fs
    .readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  return (line?.slice(name.length + 1) ?? '').split(/\s+/).filter(Boolean);
}

test('an app with user: nobody runs with its uid and gid, and cannot read its own log files', async () => {
  await pm(['start', writeConfig('    user: nobody\n')], t.env);
  const instance = await onlineInstance();
  const pid = instance.pid!;
  assert.deepEqual(statusLine(pid, 'Uid'), Array(4).fill(String(nobody.uid)));
  assert.deepEqual(statusLine(pid, 'Gid'), Array(4).fill(String(nobody.gid)));
  assert.deepEqual(statusLine(pid, 'Groups'), [], 'no supplementary group of the daemon is left');
  const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  assert.ok(environ.includes(`USER=${nobody.name}`) && environ.includes(`HOME=${nobody.home}`));
  // The daemon writes the logs, as root, in its private home: the app's user reads none of them.
  for (const log of [instance.out_log, instance.err_log]) {
    assert.ok(log, 'an instance has log paths');
    const stat = fs.statSync(log);
    assert.equal(stat.uid, 0, log);
    assert.equal(stat.mode & 0o077, 0, `${log} mode ${stat.mode.toString(8)}`);
    const read = spawnSync('cat', [log], { uid: nobody.uid, gid: nobody.gid });
    assert.notEqual(read.status, 0, `${nobody.name} read ${log}`);
  }
});

test('umask, rlimits and env_inherit: false reach the app: its files, its limits and only the listed variables', async () => {
  const out = path.join(work, 'env.txt');
  await pm(
    [
      'start',
      writeConfig(
        `    command: env > ${out} && exec sleep 100000\n` +
          '    umask: "077"\n    rlimits: { nofile: 256 }\n    env_inherit: false\n    env: { GIVEN: yes }\n',
      ),
    ],
    { ...t.env, LANG: 'C.UTF-8', SHOULD_NOT_LEAK: '1' },
  );
  const { pid } = await onlineInstance();
  await waitFor(() => fs.existsSync(out) && fs.readFileSync(out, 'utf8').includes('PM_RUN='), {
    message: 'env written',
  });
  assert.equal(fs.statSync(out).mode & 0o777, 0o600, 'a file created under umask 077');
  const names = fs
    .readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.slice(0, line.indexOf('=')))
    // The shell running the command line sets these itself.
    .filter((name) => !['PWD', 'OLDPWD', 'SHLVL', '_'].includes(name));
  assert.deepEqual(
    names.sort(),
    [
      'GIVEN',
      'HOME',
      'LANG',
      'NODE_APP_INSTANCE',
      'PATH',
      'PM_APP_NAME',
      'PM_HOME',
      'PM_ID',
      'PM_INSTANCE',
      'PM_RUN',
      'USER',
    ]
      .filter((name) => name !== 'USER' || process.env.USER !== undefined)
      .sort(),
  );
  const limits = fs.readFileSync(`/proc/${pid}/limits`, 'utf8');
  assert.match(limits, /^Max open files\s+256\s+256\s+files/m);
});

test('the command-line flags set the same: --user, --group, --umask, --rlimit and --no-env-inherit', async () => {
  await pm(
    [
      'start',
      '--user',
      'nobody',
      '--group',
      'daemon',
      '--umask',
      '027',
      '--rlimit',
      'nofile=300',
      '--no-env-inherit',
      '--cwd',
      work,
      'sleep',
      '100000',
    ],
    { ...t.env, SHOULD_NOT_LEAK: '1' },
  );
  const { pid } = await onlineInstance();
  assert.deepEqual(statusLine(pid!, 'Uid'), Array(4).fill(String(nobody.uid)));
  const daemonGroup = systemUserDb.findGroup('daemon')!;
  assert.deepEqual(statusLine(pid!, 'Gid'), Array(4).fill(String(daemonGroup.gid)));
  assert.deepEqual(statusLine(pid!, 'Umask'), ['0027']);
  assert.match(fs.readFileSync(`/proc/${pid}/limits`, 'utf8'), /^Max open files\s+300\s+300\s+files/m);
  const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
  assert.doesNotMatch(environ, /SHOULD_NOT_LEAK/);
});

test('an unknown user, or a pm that is not root, is refused with one line and defines nothing', async () => {
  const unknown = await runCli(['start', writeConfig('    user: no-such-user-pm\n')], t.env);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /apps\[0\]\.user: found "no-such-user-pm", expected a user of this system/);
  const flag = await runCli(['start', '--user', 'no-such-user-pm', 'sleep', '100000'], t.env);
  assert.equal(flag.code, 1);
  assert.match(flag.stderr, /^pm: --user no-such-user-pm: found "no-such-user-pm", expected a user/);
  assert.equal(fs.existsSync(path.join(t.home, 'daemon.sock')), false, 'no daemon was started');

  // The CLI as nobody, with a home nobody owns: refused before any daemon is started.
  const home = path.join(work, 'home');
  fs.mkdirSync(home, { mode: 0o700 });
  fs.chownSync(home, nobody.uid, nobody.gid);
  const asNobody = spawnSync(process.execPath, [PM_BIN, 'start', '--user', 'nobody', 'sleep', '100000'], {
    env: { ...t.env, PM_HOME: home },
    uid: nobody.uid,
    gid: nobody.gid,
    encoding: 'utf8',
    cwd: work,
  });
  killAll(processesOf(home)); // were it not refused: its home is not the test's, whose cleanup kills
  assert.equal(asNobody.status, 1, asNobody.stderr);
  assert.match(
    asNobody.stderr,
    /^pm: --user nobody: found "nobody", but only a pm running as root can run an app as another user or group, and this one runs as uid \d+\n$/,
  );
  assert.deepEqual(fs.readdirSync(home), [], 'nothing was started in its home');
});

test('an exec probe of an app with user: nobody runs as nobody', async () => {
  const out = path.join(work, 'probe-uid');
  await pm(
    [
      'start',
      writeConfig(`    user: nobody\n    health:\n      - { exec: "id -u > ${out}", interval: 200ms }\n`),
    ],
    t.env,
  );
  const uid = await waitFor(() => (fs.existsSync(out) ? fs.readFileSync(out, 'utf8').trim() || null : null), {
    message: 'the probe to run',
  });
  assert.equal(uid, String(nobody.uid));
});
