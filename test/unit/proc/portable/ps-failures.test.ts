// "Gone" is never a guess: a ps that exits 1 with a message, or that leaves out a pid the kernel
// still has, is "cannot tell" (a throw), not an empty table; pids the kernel has no process for are
// not asked about at all. A `ps` shim first on PATH plays the failing ps.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { readPsTable } from '../../../../src/proc/portable/ps-table.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-ps-shim-'));
const log = path.join(dir, 'calls');
const originalPath = process.env.PATH;

function shim(script: string): void {
  fs.writeFileSync(path.join(dir, 'ps'), `#!/bin/sh\necho "$@" >> ${log}\n${script}\n`, { mode: 0o755 });
}

before(() => {
  process.env.PATH = `${dir}:${originalPath}`;
});

after(() => {
  process.env.PATH = originalPath;
  fs.rmSync(dir, { recursive: true, force: true });
});

test('ps exiting 1 with a message is an error, not "gone"', () => {
  shim('echo "ps: cannot allocate memory" >&2; exit 1');
  assert.throws(() => readPsTable([process.pid]), /cannot allocate memory/);
});

test('ps leaving out a live pid (exit 1, nothing said) is an error, not "gone"', () => {
  shim('exit 1');
  assert.throws(() => readPsTable([process.pid]), new RegExp(`did not list process ${process.pid}`));
});

test('a pid the kernel has no process for is gone without a ps', () => {
  shim('exit 2');
  fs.rmSync(log, { force: true });
  const gone = spawnSync('true').pid!;
  assert.deepEqual(readPsTable([gone]), new Map());
  assert.equal(fs.existsSync(log), false, 'ps was run');
});
