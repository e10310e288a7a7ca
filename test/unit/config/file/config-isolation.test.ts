// The isolation keys of an app (user, group, umask, rlimits, env_inherit) and the cgroup limits:
// what they load as, and the one line each bad value gets, at its key.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { HardLimits } from '../../../../src/config/app-spec/rlimits.js';
import type { RunAsHost } from '../../../../src/config/app-spec/run-as.js';
import type { UserDb } from '../../../../src/config/app-spec/user-db.js';
import { errorAt, errorLines, load, removeConfigs, writeConfig } from './temp-config.js';

afterEach(removeConfigs);

const app = (extra: string) => `apps:\n  - name: web\n    script: server.js\n${extra}`;

const db: UserDb = {
  findUser: (key) =>
    key === 'www' || key === 33 ? { name: 'www', uid: 33, gid: 33, home: '/var/www' } : undefined,
  findGroup: (key) => (key === 'adm' ? { name: 'adm', gid: 4 } : undefined),
};
const hardLimits: HardLimits = { nofile: 4096, nproc: 1000, core: Number.POSITIVE_INFINITY, memlock: 65536 };
const asRoot = { host: { runAs: { uid: 0, db } satisfies RunAsHost, hardLimits } };

test('user, group, umask, rlimits and env_inherit load into the spec', () => {
  const yaml = app(`    user: www
    group: adm
    umask: "0027"
    rlimits: { nofile: 1024, nproc: 100, core: 0, memlock: 64K }
    env_inherit: false
`);
  const [web] = load(writeConfig(yaml), asRoot).apps;
  assert.deepEqual(web?.runAs, { user: 'www', uid: 33, gid: 4, home: '/var/www' });
  assert.equal(web?.umask, 0o027);
  assert.deepEqual(web?.rlimits, { nofile: 1024, nproc: 100, core: 0, memlock: 65536 });
  assert.equal(web?.envInherit, false);
});

test('an app without them has none of the fields, and env_inherit: true is the default left out', () => {
  const [web] = load(writeConfig(app('    env_inherit: true\n    rlimits: {}\n')), asRoot).apps;
  for (const key of ['runAs', 'umask', 'rlimits', 'envInherit']) assert.equal(key in web!, false, key);
});

test('a umask is octal as written: 027, "027", "0027" and 0o27 are all 0o27', () => {
  for (const written of ['027', '"027"', '"0027"', '0o27', '27']) {
    const [web] = load(writeConfig(app(`    umask: ${written}\n`)), asRoot).apps;
    assert.equal(web?.umask, 0o27, written);
  }
});

test('the cgroup limits load into limits, with sizes parsed and fractions of a core', () => {
  const yaml = app(
    '    limits: { max_memory: 300M, hard_memory: 1G, cpu: 0.5, max_procs: 64, max_fds: 1000, best_effort: true }\n',
  );
  const loaded = load(writeConfig(yaml), asRoot);
  assert.deepEqual(loaded.apps[0]?.limits, {
    maxMemoryBytes: 300 * 1024 ** 2,
    hardMemoryBytes: 1024 ** 3,
    cpu: 0.5,
    maxProcs: 64,
    maxFds: 1000,
    bestEffort: true,
  });
  assert.deepEqual(loaded.warnings, [], 'the cgroup layer acts on them: no "not acted on" warning');
});

test('each bad value gets one line at its key saying what is expected', () => {
  const file = writeConfig(
    app(`    user: "a b"
    group: -1
    umask: 0999
    rlimits: { nofile: 0, core: lots, nproc: 1.5 }
    env_inherit: nope
    limits: { hard_memory: 10, cpu: 0, max_procs: 0, max_fds: -1, best_effort: 1 }
`),
  );
  const expected: Record<string, RegExp> = {
    'apps[0].user':
      /:4:11: .*found "a b", expected a name of letters, digits, "_", "-" and "\." \(at most 32\)$/,
    'apps[0].group': /found -1, expected a whole number from 0 to 4294967294$/,
    'apps[0].umask': /:6:12: .*found 0999, expected octal digits from 0 to 777 such as 027$/,
    'apps[0].rlimits.nofile': /found 0, expected a whole number from 1 to 1073741816$/,
    'apps[0].rlimits.core': /found "lots", expected a size such as 512K, 200M or 1G$/,
    'apps[0].rlimits.nproc': /found 1\.5, expected a whole number from 1 to 4194304$/,
    'apps[0].env_inherit': /found "nope", expected true or false$/,
    'apps[0].limits.hard_memory': /found 10, expected a size of at least 1M, such as 512K, 200M or 1G$/,
    'apps[0].limits.cpu': /found 0, expected a number from 0\.01 to 1024$/,
    'apps[0].limits.max_procs': /found 0, expected a whole number from 1 to 4194304$/,
    'apps[0].limits.max_fds': /found -1, expected a whole number from 1 to 1073741816$/,
    'apps[0].limits.best_effort': /found 1, expected true or false$/,
  };
  for (const [keyPath, message] of Object.entries(expected)) {
    assert.match(errorAt(file, keyPath, asRoot), message, keyPath);
  }
  assert.equal(errorLines(file, asRoot).length, Object.keys(expected).length + 1, 'and nothing else');
});

test('an unknown user and group, and rlimits above the hard limits, are refused at their keys', () => {
  const file = writeConfig(
    app('    user: nobdy\n    group: nogrp\n    rlimits: { nofile: 5000, memlock: 1M }\n'),
  );
  assert.match(
    errorAt(file, 'apps[0].user', asRoot),
    /:4:11: .*found "nobdy", expected a user of this system \(none in \/etc\/passwd or getent passwd\)$/,
  );
  assert.match(errorAt(file, 'apps[0].group', asRoot), /found "nogrp", expected a group of this system/);
  assert.match(
    errorAt(file, 'apps[0].rlimits.nofile', asRoot),
    /found 5000, expected at most 4096 \(the hard limit of open files pm runs under\)$/,
  );
  assert.match(
    errorAt(file, 'apps[0].rlimits.memlock', asRoot),
    /found 1048576 bytes, expected at most 65536 bytes/,
  );
});

test('user: in a file loaded by a pm that is not root is refused, saying why', () => {
  const file = writeConfig(app('    user: www\n'));
  const notRoot = { host: { runAs: { uid: 1000, db }, hardLimits } };
  assert.match(
    errorAt(file, 'apps[0].user', notRoot),
    /found "www", but only a pm running as root can run an app as another user or group, and this one runs as uid 1000$/,
  );
});
