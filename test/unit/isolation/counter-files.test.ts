// The cgroup counter reader: values parsed in place from kept-open files, never from what an
// earlier, longer file left in the buffer.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { CounterFiles } from '../../../src/isolation/counter-files.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-counters-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};

test('fields are found on the first line, in the middle and last, and a prefix of a key is not the key', () => {
  const files = new CounterFiles();
  const stat = file('memory.stat', 'rss 5\ncache 7\ntotal_rss 100\ntotal_cache 30\ntotal_inactive_file 12');
  assert.deepEqual(files.fields(stat, ['rss', 'total_rss', 'total_inactive_file', 'swap']), [
    5,
    100,
    12,
    null,
  ]);
  assert.deepEqual(files.fields(stat, ['cache']), [7]);
});

test('a shorter file read after a longer one does not see the longer one s leftovers', () => {
  const files = new CounterFiles();
  files.fields(file('long', 'usage_usec 1\nuser_usec 2\nsystem_usec 3\nnice_usec 4\n'), ['nice_usec']);
  assert.deepEqual(files.fields(file('short', 'usage_usec 9\n'), ['usage_usec', 'nice_usec']), [9, null]);
  assert.equal(files.value(file('current', '42\n')), 42);
  assert.equal(files.value(file('current2', '7')), 7);
});

test('a kept file is read again in place; a missing one is null; at most maxOpen stay open', () => {
  const files = new CounterFiles(1);
  const a = file('a', 'usage_usec 1\n');
  assert.deepEqual(files.fields(a, ['usage_usec']), [1]);
  fs.writeFileSync(a, 'usage_usec 2\n');
  assert.deepEqual(files.fields(a, ['usage_usec']), [2]);
  assert.deepEqual(files.fields(path.join(dir, 'none'), ['usage_usec']), [null]);
  assert.equal(files.value(file('b', '3\n')), 3);
  assert.equal(files.value(a.replace(/a$/, 'b')), 3);
  files.close(a);
  assert.deepEqual(files.fields(a, ['usage_usec']), [2]);
});
