// Matching a home's processes in ps's environment display: whole NAME=value words, the last one of
// each name (the environment comes after the command line), and a home compared whole.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { homeRunOf } from '../../../../src/proc/portable/home-processes.js';
import {
  carriesHome,
  environFlag,
  environsOnly,
  parseEnvirons,
  variableOf,
} from '../../../../src/proc/portable/ps-environ.js';

const HOME = '/home/ann/.pm';

test('the environment flag is chosen by platform (on Linux, -e would mean every process)', () => {
  assert.equal(environFlag('linux'), 'e');
  assert.equal(environFlag('darwin'), '-E');
  for (const bsd of ['freebsd', 'openbsd', 'netbsd'] as const) assert.equal(environFlag(bsd), '-e');
});

const dialects: Record<string, string> = {
  // ps -A -ww -o pid=,command= e
  procps: [
    '    1 /sbin/init splash',
    '    2 [kthreadd]',
    `  812 node /srv/my app/server.js (worker) --tag x SHELL=/bin/sh PM_HOME=${HOME} PM_ID=3 PM_RUN=r1`,
  ].join('\n'),
  // ps -A -ww -E -o pid=,command=
  macos: [
    '    1 /sbin/launchd',
    '    2 /usr/libexec/logd',
    `  812 /Applications/My App.app/Contents/MacOS/My App (helper) --tag x PATH=/usr/bin PM_HOME=${HOME} PM_ID=3 PM_RUN=r1`,
  ].join('\n'),
  // ps -A -ww -e -o pid=,command=
  freebsd: [
    '    1 /sbin/init --',
    '    2 [clock]',
    `  812 /usr/local/bin/node /srv/my app/server.js (worker) --tag x HOME=/home/ann PM_HOME=${HOME} PM_ID=3 PM_RUN=r1`,
  ].join('\n'),
};

for (const [dialect, output] of Object.entries(dialects)) {
  test(`a ${dialect} environment display gives the run of a process of the home, and none of the others`, () => {
    const environs = parseEnvirons(`${output}\n`);
    assert.deepEqual([...environs.keys()], [1, 2, 812]);
    assert.deepEqual(homeRunOf(environs.get(812)!, HOME), { id: 3, run: 'r1' });
    assert.equal(homeRunOf(environs.get(1)!, HOME), null);
    assert.equal(homeRunOf(environs.get(2)!, HOME), null);
  });
}

test('a home that is the prefix of another does not match it, either way', () => {
  const longer = `node app.js PM_HOME=${HOME}-other PM_ID=1`;
  const shorter = `node app.js PM_HOME=${HOME} PM_ID=1`;
  assert.equal(carriesHome(longer, HOME), false);
  assert.equal(carriesHome(shorter, `${HOME}-other`), false);
  assert.equal(carriesHome(shorter, HOME), true);
  assert.equal(carriesHome(`node app.js XPM_HOME=${HOME} PM_ID=1`, HOME), false, 'a longer name');
});

test('a home with spaces matches whole', () => {
  const home = '/Users/ann/Library/Application Support/pm';
  const environ = `node app.js PM_HOME=${home} PM_ID=2 PM_RUN=r9`;
  assert.deepEqual(homeRunOf(environ, home), { id: 2, run: 'r9' });
  assert.equal(homeRunOf(environ, '/Users/ann/Library/Application'), null);
});

test('a PM_HOME, PM_ID or PM_RUN in the command line counts for nothing: the environment after it decides', () => {
  const environ = `sh -c run PM_HOME=${HOME} PM_ID=4 PM_RUN=fake LANG=C PM_HOME=/elsewhere PM_ID=5 PM_RUN=real`;
  assert.equal(homeRunOf(environ, HOME), null);
  assert.deepEqual(homeRunOf(environ, '/elsewhere'), { id: 5, run: 'real' });
  assert.equal(variableOf(environ, 'PM_RUN'), 'real');
});

test('the command line is cut off the environment display: arguments that look like variables are no environment', () => {
  const withEnv = parseEnvirons(
    [
      `  90 sh -c sleep PM_HOME=${HOME} PM_ID=7`,
      `  91 node a.js PM_HOME=${HOME} PM_ID=1 PM_RUN=r1`,
      '  92 node b.js',
      '  93 sh -c exec node c.js LANG=C',
    ].join('\n'),
  );
  const withoutEnv = parseEnvirons(
    [
      // 90 is a stranger whose arguments hold PM_HOME and PM_ID; its environment is not shown.
      `  90 sh -c sleep PM_HOME=${HOME} PM_ID=7`,
      '  91 node a.js',
      '  92 node b.js',
      // 93 exec'd between the two reads: left out.
      '  93 node c.js',
    ].join('\n'),
  );
  const environs = environsOnly(withEnv, withoutEnv);
  assert.deepEqual(
    [...environs],
    [
      [90, ''],
      [91, `PM_HOME=${HOME} PM_ID=1 PM_RUN=r1`],
      [92, ''],
    ],
  );
  assert.equal(homeRunOf(environs.get(90)!, HOME), null);
  assert.deepEqual(homeRunOf(environs.get(91)!, HOME), { id: 1, run: 'r1' });
});

test('a process of the home without an integer PM_ID is none of its runs; one without PM_RUN has a null run', () => {
  assert.equal(homeRunOf(`node a.js PM_HOME=${HOME}`, HOME), null);
  assert.equal(homeRunOf(`node a.js PM_HOME=${HOME} PM_ID=web`, HOME), null);
  assert.deepEqual(homeRunOf(`node a.js PM_HOME=${HOME} PM_ID=7`, HOME), { id: 7, run: null });
  assert.equal(variableOf('node a.js', 'PM_RUN'), null);
});
