// The spawn of one instance: its environment (inherited or clean, the run-as user's variables),
// the shell prelude for umask and rlimits, and the beforeExec gate. The gate is tested on real
// processes: what it promises (the program has not started when the hook runs) is the kernel's.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import { instanceEnv, preflight, type SpawnOptions, spawnInstance } from '../../../src/supervisor/spawn.js';
import { preludeScript } from '../../../src/supervisor/spawn-prelude.js';
import { isPidAlive } from '../../helpers/proc-entry.js';
import { waitFor } from '../../helpers/wait-for.js';
import { testSpec } from './fake-world.js';

const BASE_ENV = {
  PATH: '/usr/bin:/bin',
  HOME: '/root',
  USER: 'root',
  LANG: 'C.UTF-8',
  SECRET: 's',
  TERM: 'x',
};
const ids = { index: 0, id: 7, home: '/pm-home', run: 'r1' };
const PM_VARS = {
  PM_HOME: '/pm-home',
  PM_APP_NAME: 'web',
  PM_INSTANCE: '0',
  NODE_APP_INSTANCE: '0',
  PM_ID: '7',
  PM_RUN: 'r1',
};
const nobody = { user: 'nobody', uid: 65534, gid: 65534, home: '/nonexistent' };

test('an app inherits the whole environment by default, with its env and pm variables on top', () => {
  const spec = testSpec({ baseEnv: BASE_ENV, env: { SECRET: 'mine' } });
  assert.deepEqual(instanceEnv({ spec, ...ids }), { ...BASE_ENV, SECRET: 'mine', ...PM_VARS });
});

test('envInherit false keeps only PATH, HOME, USER and LANG of the inherited environment', () => {
  const spec = testSpec({ baseEnv: BASE_ENV, env: { GIVEN: '1' }, envInherit: false });
  assert.deepEqual(instanceEnv({ spec, ...ids }), {
    PATH: '/usr/bin:/bin',
    HOME: '/root',
    USER: 'root',
    LANG: 'C.UTF-8',
    GIVEN: '1',
    ...PM_VARS,
  });
});

test("runAs sets HOME, USER and LOGNAME to the user's, unless the app's own env sets them", () => {
  const clean = instanceEnv({
    spec: testSpec({ baseEnv: BASE_ENV, runAs: nobody, envInherit: false }),
    ...ids,
  });
  assert.deepEqual(clean, {
    PATH: '/usr/bin:/bin',
    HOME: '/nonexistent',
    USER: 'nobody',
    LOGNAME: 'nobody',
    LANG: 'C.UTF-8',
    ...PM_VARS,
  });
  const own = instanceEnv({
    spec: testSpec({ baseEnv: BASE_ENV, runAs: nobody, env: { HOME: '/srv' } }),
    ...ids,
  });
  assert.equal(own.HOME, '/srv');
  assert.equal(own.SECRET, 's', 'the rest is inherited as usual');
});

test('no umask, rlimit or hook: no prelude, the program is spawned directly', () => {
  assert.equal(preludeScript(testSpec(), false), null);
  assert.equal(preludeScript(testSpec({ rlimits: {} }), false), null);
});

test('the prelude sets the umask and each rlimit in the units of sh, then execs the program', () => {
  const script = preludeScript(
    testSpec({
      umask: 0o27,
      rlimits: { nofile: 256, nproc: 50, core: 64 * 1024 ** 2 + 100, memlock: 65536 },
    }),
    false,
  );
  assert.equal(
    script,
    [
      'set -e',
      'umask 0027',
      'ulimit -n 256',
      '{ ulimit -u 50 2>/dev/null || ulimit -p 50; }',
      'ulimit -c 131072',
      'ulimit -l 64',
      'exec "$0" "$@" </dev/null',
    ].join('\n'),
  );
  assert.equal(preludeScript(testSpec(), true), 'read -r _ || exit 111\nset -e\nexec "$0" "$@" </dev/null');
});

// --- real processes ---

let dir = '';
const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function spawnWith(script: string, beforeExec: SpawnOptions['beforeExec']) {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-spawn-'));
  const devNull = fs.openSync('/dev/null', 'w');
  try {
    return spawnInstance({
      spec: testSpec({
        run: { file: '/bin/sh', args: ['-c', script], display: script },
        cwd: dir,
        baseEnv: BASE_ENV,
      }),
      stdoutFd: devNull,
      stderrFd: devNull,
      ...ids,
      beforeExec,
    });
  } finally {
    fs.closeSync(devNull);
  }
}

test('beforeExec runs with the pid before the program starts, and the program then runs as that pid', async () => {
  let seen: { pid: number; markerExisted: boolean } | undefined;
  const result = spawnWith('touch started; exec sleep 100000', (pid) => {
    seen = { pid, markerExisted: fs.existsSync(path.join(dir, 'started')) };
  });
  assert.ok(result.ok, !result.ok ? result.message : '');
  const pid = result.child.pid!;
  started.push(pid);
  assert.deepEqual(seen, { pid, markerExisted: false });
  await waitFor(() => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sleep\0'), {
    message: 'the program runs in the same pid',
  });
  assert.ok(fs.existsSync(path.join(dir, 'started')));
  assert.equal(
    fs.readlinkSync(`/proc/${pid}/fd/0`),
    '/dev/null',
    "the app's stdin is /dev/null, not the gate",
  );
});

test('a throwing beforeExec kills the process before the program runs, and the spawn fails with its message', async () => {
  let pid = 0;
  const result = spawnWith('touch started; exec sleep 100000', (p) => {
    pid = p;
    throw new Error('cannot join the cgroup');
  });
  assert.deepEqual(result, { ok: false, message: 'cannot join the cgroup', transient: false });
  assert.ok(pid > 0);
  started.push(pid);
  await waitFor(() => !isPidAlive(pid), { message: 'the process is gone' });
  assert.equal(fs.existsSync(path.join(dir, 'started')), false, 'the program never ran');
});

test('a program the run-as user may not execute is refused before the fork, with its user named', () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-spawn-'));
  const program = path.join(dir, 'app.sh');
  fs.writeFileSync(program, '#!/bin/sh\n', { mode: 0o700 });
  const spec = testSpec({ run: { file: program, args: [], display: program }, cwd: dir, runAs: nobody });
  const asRoot = process.getuid?.() === 0;
  assert.equal(
    preflight(spec, BASE_ENV),
    asRoot
      ? `${program}: not executable by user nobody (uid 65534, gid 65534): check its mode and owner`
      : `cannot run as user nobody: only a pm running as root can run an app as another user or group, and this one runs as uid ${process.getuid?.()}`,
  );
  fs.chmodSync(program, 0o755);
  if (asRoot) assert.equal(preflight(spec, BASE_ENV), null);
});
