// lsof's field output: only numbered descriptors count and give targets (/proc/<pid>/fd lists no
// cwd, txt or mem), per process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLsof } from '../../../../src/proc/portable/open-files.js';

const OUTPUT = [
  'p4242',
  'fcwd',
  'n/srv/app',
  'ftxt',
  'n/usr/bin/node',
  'fmem',
  'n/usr/lib/libc.so.6',
  'f0',
  'n/dev/null',
  'f1',
  'n/home/ann/.pm/pipes/web-0.out',
  'f2',
  'n/home/ann/.pm/pipes/web-0.err',
  'f7',
  'npipe',
  'p4243',
  'f0',
  'n/dev/null',
  '',
].join('\n');

test('each process gets the count and targets of its numbered descriptors', () => {
  const files = parseLsof(OUTPUT);
  assert.deepEqual(files.get(4242), {
    fds: 4,
    targets: ['/dev/null', '/home/ann/.pm/pipes/web-0.out', '/home/ann/.pm/pipes/web-0.err', 'pipe'],
  });
  assert.deepEqual(files.get(4243), { fds: 1, targets: ['/dev/null'] });
});

test('no output (every pid gone) is no process', () => {
  assert.equal(parseLsof('').size, 0);
});
