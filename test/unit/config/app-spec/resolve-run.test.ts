import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { defaultAppName, resolveRun } from '../../../../src/config/app-spec/resolve-run.js';
import { PmError } from '../../../../src/protocol/errors.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-resolve-run-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, mode = 0o644): string {
  const full = path.join(dir, name);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, '', { mode });
  return full;
}

const server = file('server.js');
const worker = file('worker.sh');
const tool = file('tool', 0o755);
const nested = file('sub/app.mjs');
const script = file('job.py');
file('data.txt');

const resolve = (text: string, args: string[] = [], interpreter?: string) =>
  resolveRun({ script: text, args, cwd: dir, interpreter });

function rejects(text: string, message: string): void {
  assert.throws(
    () => resolve(text),
    (error) => error instanceof PmError && error.code === 'bad-request' && error.message === message,
  );
}

test('a node script runs with the current node, its extra args after it', () => {
  assert.deepEqual(resolve('server.js', ['--port', '1']), {
    file: process.execPath,
    args: [server, '--port', '1'],
    display: 'server.js --port 1',
  });
  assert.deepEqual(resolve('./sub/app.mjs'), {
    file: process.execPath,
    args: [nested],
    display: './sub/app.mjs',
  });
});

test('an explicit interpreter runs the script', () => {
  assert.deepEqual(resolve('server.js', ['x'], 'bun'), {
    file: 'bun',
    args: [server, 'x'],
    display: 'server.js x',
  });
});

test('an executable file runs directly', () => {
  assert.deepEqual(resolve('./tool', ['-v']), { file: tool, args: ['-v'], display: './tool -v' });
  assert.deepEqual(resolve(tool), { file: tool, args: [], display: tool });
});

test('a non-executable script runs with the interpreter of its extension', () => {
  assert.deepEqual(resolve('./worker.sh', ['--queue', 'jobs']), {
    file: '/bin/sh',
    args: [worker, '--queue', 'jobs'],
    display: './worker.sh --queue jobs',
  });
  assert.deepEqual(resolve('job.py'), { file: 'python3', args: [script], display: 'job.py' });
});

test('a non-executable file with no known interpreter says how to fix it', () => {
  rejects('data.txt', 'data.txt is not executable: run chmod +x data.txt, or pass --interpreter');
});

test('a command line with shell syntax runs through /bin/sh -c, extra args quoted', () => {
  assert.deepEqual(resolve('echo $HOME | tr a-z A-Z', ["it's", 'a b', 'plain-1.txt', '']), {
    file: '/bin/sh',
    args: ['-c', `echo $HOME | tr a-z A-Z 'it'\\''s' 'a b' plain-1.txt ''`],
    display: "echo $HOME | tr a-z A-Z it's a b plain-1.txt ",
  });
  assert.deepEqual(resolve('sleep 1 && echo done').args, ['-c', 'sleep 1 && echo done']);
});

test('a command line that starts with a variable assignment runs through /bin/sh -c', () => {
  assert.deepEqual(resolve('PORT=3000 node server.js'), {
    file: '/bin/sh',
    args: ['-c', 'PORT=3000 node server.js'],
    display: 'PORT=3000 node server.js',
  });
});

test('a command line that starts with a shell builtin runs through /bin/sh -c', () => {
  for (const line of ['exec node server.js', 'cd sub', 'ulimit -n 1024', 'export A=1']) {
    assert.deepEqual(resolve(line).args, ['-c', line], line);
  }
});

test('a plain command line is split into argv', () => {
  assert.deepEqual(resolve('  python3   -m http.server 8080 ', ['--bind', '::']), {
    file: 'python3',
    args: ['-m', 'http.server', '8080', '--bind', '::'],
    display: 'python3   -m http.server 8080 --bind ::',
  });
  assert.deepEqual(resolve('sleep'), { file: 'sleep', args: [], display: 'sleep' });
  assert.deepEqual(resolve('serve -p 1', [], 'npx'), {
    file: 'npx',
    args: ['serve', '-p', '1'],
    display: 'serve -p 1',
  });
});

test('a missing file is an error that names the directory', () => {
  rejects('./missing.sh', `./missing.sh: no such file (relative to ${dir})`);
  rejects('missing.js', `missing.js: no such file (relative to ${dir})`);
  rejects('sub/missing', `sub/missing: no such file (relative to ${dir})`);
});

test('an empty script is an error', () => {
  rejects('', 'nothing to start: give a script or a command');
  rejects('   ', 'nothing to start: give a script or a command');
});

const names: Array<[string, string]> = [
  ['server.js', 'server'],
  ['./bin/worker.sh', 'worker'],
  ['/usr/bin/node', 'node'],
  ['python3 -m http.server 8080', 'python3'],
  ['archive.tar.gz', 'archive.tar'],
  ['.hidden.js', 'hidden'],
  ['my app.js', 'my'],
  ['état.js', '_tat'],
  ['PORT=3000 node server.js', 'node'],
  ['123.js', 'app-123'],
  ['all.sh', 'app-all'],
  ['', 'app'],
  ['...', 'app'],
  [`${'x'.repeat(80)}.js`, 'x'.repeat(64)],
];

for (const [text, name] of names) {
  test(`the default app name of ${JSON.stringify(text)} is "${name}"`, () => {
    assert.equal(defaultAppName(text), name);
  });
}
