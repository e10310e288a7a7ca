// user: and group: → uid, gid and home: the passwd and group files read, names and numbers
// resolved like systemd's User= and Group=, and a pm that is not root refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type RunAsHost, resolveRunAs } from '../../../../src/config/app-spec/run-as.js';
import { parseGroup, parsePasswd, type UserDb } from '../../../../src/config/app-spec/user-db.js';

const PASSWD = `root:x:0:0:root:/root:/bin/bash
# a comment
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin

www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
broken:x:notanumber:1::/:/bin/sh
nohome:x:1500:1500:::/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
`;

const GROUP = `root:x:0:
adm:x:4:syslog,alice
www-data:x:33:
bad:x::
nogroup:x:65534:
`;

test('passwd lines give name, uid, primary gid and home; comments and malformed lines are skipped', () => {
  assert.deepEqual(parsePasswd(PASSWD), [
    { name: 'root', uid: 0, gid: 0, home: '/root' },
    { name: 'daemon', uid: 1, gid: 1, home: '/usr/sbin' },
    { name: 'www-data', uid: 33, gid: 33, home: '/var/www' },
    { name: 'nohome', uid: 1500, gid: 1500, home: '/' },
    { name: 'nobody', uid: 65534, gid: 65534, home: '/nonexistent' },
  ]);
});

test('group lines give name and gid', () => {
  assert.deepEqual(parseGroup(GROUP), [
    { name: 'root', gid: 0 },
    { name: 'adm', gid: 4 },
    { name: 'www-data', gid: 33 },
    { name: 'nogroup', gid: 65534 },
  ]);
});

const users = parsePasswd(PASSWD);
const groups = parseGroup(GROUP);
const db: UserDb = {
  findUser: (key) => users.find((u) => (typeof key === 'number' ? u.uid === key : u.name === key)),
  findGroup: (key) => groups.find((g) => (typeof key === 'number' ? g.gid === key : g.name === key)),
};
const root: RunAsHost = { uid: 0, db };

test('a user name runs with its uid, primary group and home', () => {
  assert.deepEqual(resolveRunAs({ user: 'www-data' }, root), {
    runAs: { user: 'www-data', uid: 33, gid: 33, home: '/var/www' },
  });
});

test('a uid with an entry takes its name, group and home; one without runs as is, with its own number as gid', () => {
  assert.deepEqual(resolveRunAs({ user: 65534 }, root), {
    runAs: { user: 'nobody', uid: 65534, gid: 65534, home: '/nonexistent' },
  });
  assert.deepEqual(resolveRunAs({ user: '4242' }, root), {
    runAs: { user: '4242', uid: 4242, gid: 4242, home: '/' },
  });
});

test('a group overrides the primary one, by name or number; alone it keeps the user of pm', () => {
  assert.deepEqual(resolveRunAs({ user: 'nobody', group: 'adm' }, root), {
    runAs: { user: 'nobody', uid: 65534, gid: 4, home: '/nonexistent' },
  });
  assert.deepEqual(resolveRunAs({ user: 'nobody', group: 7777 }, root), {
    runAs: { user: 'nobody', uid: 65534, gid: 7777, home: '/nonexistent' },
  });
  assert.deepEqual(resolveRunAs({ group: 'www-data' }, root), {
    runAs: { user: 'root', uid: 0, gid: 33, home: '/root' },
  });
});

test('nothing given resolves to no runAs', () => {
  assert.deepEqual(resolveRunAs({}, root), {});
  assert.deepEqual(resolveRunAs({}, { uid: 1000, db }), {});
});

test('an unknown user and an unknown group are both reported, each at its key', () => {
  assert.deepEqual(resolveRunAs({ user: 'nobdy', group: 'nogrp' }, root), {
    problems: [
      {
        key: 'user',
        message: 'found "nobdy", expected a user of this system (none in /etc/passwd or getent passwd)',
      },
      {
        key: 'group',
        message: 'found "nogrp", expected a group of this system (none in /etc/group or getent group)',
      },
    ],
  });
});

test('a pm that is not root is refused a user or a group, whatever they name', () => {
  const message =
    'but only a pm running as root can run an app as another user or group, and this one runs as uid 1000';
  assert.deepEqual(resolveRunAs({ user: 'nobody' }, { uid: 1000, db }), {
    problems: [{ key: 'user', message: `found "nobody", ${message}` }],
  });
  assert.deepEqual(resolveRunAs({ group: 4 }, { uid: 1000, db }), {
    problems: [{ key: 'group', message: `found 4, ${message}` }],
  });
});
