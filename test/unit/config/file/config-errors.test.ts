// Every bad input gives its own message, with the line and the key path, all at once.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MAX_CONFIG_BYTES } from '../../../../src/config/file/read-config-file.js';
import { errorAt, errorLines, removeConfigs, writeConfig } from './temp-config.js';

const CONFIGS = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../../test/fixtures/configs',
);

afterEach(removeConfigs);

const app = (extra: string) => `apps:\n  - name: web\n    script: server.js\n${extra}`;

test('an unknown key gets a did-you-mean: max_restart → max_restarts', () => {
  const file = writeConfig(app('    recovery:\n      max_restart: 3\n'));
  assert.equal(
    errorAt(file, 'apps[0].recovery.max_restart'),
    `${file}:5:7: apps[0].recovery.max_restart: found unknown key "max_restart"; did you mean "max_restarts"?`,
  );
});

test('an unknown key with nothing close lists the keys expected there', () => {
  const file = writeConfig(app('    stop:\n      wibble: 1\n'));
  assert.match(
    errorAt(file, 'apps[0].stop.wibble'),
    /:5:7: .*found unknown key "wibble", expected one of signal, kill_timeout$/,
  );
});

test('unknown top-level and app keys are caught too, and a misspelt env_file is not taken for a profile', () => {
  const file = writeConfig(`proces_management: {}\n${app('    env_fil: .env\n    instance: 2\n')}`);
  assert.match(errorAt(file, 'proces_management'), /:1:1: .*did you mean "process_management"\?$/);
  assert.match(errorAt(file, 'apps[0].env_fil'), /:5:5: .*did you mean "env_file"\?$/);
  assert.match(errorAt(file, 'apps[0].instance'), /:6:5: .*did you mean "instances"\?$/);
});

test('duplicate app names point at the second one and name the line of the first', () => {
  const file = writeConfig(`${app('')}  - name: web\n    script: server.js\n`);
  assert.match(
    errorAt(file, 'apps[1].name'),
    /:4:11: apps\[1\]\.name: found "web" again \(first at line 2\), expected a unique name$/,
  );
});

test('a script file that does not exist', () => {
  const file = writeConfig('apps:\n  - name: web\n    script: serve.js\n');
  assert.match(
    errorAt(file, 'apps[0].script'),
    /:3:13: .*found "serve\.js" \(no such file in .*\), expected a script file relative to cwd$/,
  );
});

test('a cwd that does not exist', () => {
  const file = writeConfig(app('    cwd: ./nowhere\n'));
  assert.match(
    errorAt(file, 'apps[0].cwd'),
    /:4:10: .*found "\.\/nowhere" \(.*nowhere is not a directory\), expected an existing directory$/,
  );
});

test('a negative count', () => {
  const file = writeConfig(app('    instances: -1\n'));
  assert.match(
    errorAt(file, 'apps[0].instances'),
    /:4:16: .*found -1, expected a whole number from 0 to 10000$/,
  );
});

test('min_size above max_size, in an app and in the shared defaults', () => {
  const inApp = writeConfig(app('    pool: { min_size: 4, max_size: 2 }\n'));
  assert.match(
    errorAt(inApp, 'apps[0].pool.max_size'),
    /:4:36: .*found 2, expected at least min_size \(4\)$/,
  );
  const shared = writeConfig('process_management:\n  pool:\n    min_size: 5\n    max_size: 1\n');
  assert.match(
    errorAt(shared, 'process_management.pool.max_size'),
    /:4:15: .*found 1, expected at least min_size \(5\)$/,
  );
});

test('both instances and pool, both script and command, or neither', () => {
  const file = writeConfig(`apps:
  - name: a
    script: server.js
    command: node server.js
    instances: 2
    pool: { max_size: 3 }
  - name: b
`);
  assert.match(errorAt(file, 'apps[0].command'), /:4:5: .*found both script and command, expected only one$/);
  assert.match(
    errorAt(file, 'apps[1]'),
    /:7:5: apps\[1\]: found no script or command, expected exactly one of them$/,
  );
  const both = writeConfig(app('    instances: 2\n    pool: { max_size: 3 }\n'));
  assert.match(
    errorAt(both, 'apps[0].pool'),
    /:5:11: .*found both instances and pool, expected only one of them$/,
  );
});

test('wrong types and units say what was found and what is expected', () => {
  const file = writeConfig(
    app(`    env: [A, B]
    stop: { kill_timeout: 5 minutes, signal: SIGBOGUS }
    limits: { max_memory: lots }
    health: { http: localhost:3000 }
    recovery: { auto_restart: sometimes, stop_exit_codes: [0, 300], retry_after: soon }
    name_: x
`),
  );
  assert.match(errorAt(file, 'apps[0].env'), /:4:10: .*found a list, expected a map of NAME: value$/);
  assert.match(
    errorAt(file, 'apps[0].stop.kill_timeout'),
    /:5:27: .*found "5 minutes", expected a duration such as 500ms/,
  );
  assert.match(errorAt(file, 'apps[0].stop.signal'), /found "SIGBOGUS", expected one of SIGTERM, SIGINT/);
  assert.match(
    errorAt(file, 'apps[0].limits.max_memory'),
    /:6:27: .*found "lots", expected a size of at least 1M, such as 512K, 200M or 1G$/,
  );
  assert.match(
    errorAt(file, 'apps[0].health.http'),
    /:7:21: .*found "localhost:3000", expected an http:\/\/ or https:\/\/ URL$/,
  );
  assert.match(
    errorAt(file, 'apps[0].recovery.auto_restart'),
    /found "sometimes", expected true or false, or one of always, on-failure, never$/,
  );
  assert.match(
    errorAt(file, 'apps[0].recovery.retry_after'),
    /found "soon", expected one of never, or a duration such as 500ms/,
  );
  assert.match(
    errorAt(file, 'apps[0].recovery.stop_exit_codes[1]'),
    /found 300, expected a whole number from 0 to 255$/,
  );
  assert.match(errorAt(file, 'apps[0].name_'), /did you mean "name"\?$/);
});

test('a YAML syntax error gives its line and column', () => {
  const file = writeConfig('apps:\n  - name: web\n    env: { A: 1\n    script: server.js\n');
  const [line] = errorLines(file);
  assert.match(line!, new RegExp(`^${file}:\\d+:\\d+: YAML syntax error: `));
  const duplicate = writeConfig('apps:\n  - name: web\n    script: server.js\n    script: other.js\n');
  assert.match(errorLines(duplicate)[0]!, /:4:5: YAML syntax error: Map keys must be unique/);
});

test('an empty file, and one with only comments', () => {
  for (const text of ['', '\n\n', '# nothing yet\n']) {
    const file = writeConfig(text);
    assert.deepEqual(errorLines(file), [
      `${file}:1:1: the file is empty, expected process_management: and apps: (run \`pm init\` for an example)`,
    ]);
  }
});

test('a directory, a missing file, and a 50 MB file refused by its size before reading', () => {
  const dir = path.dirname(writeConfig(''));
  assert.deepEqual(errorLines(dir), [
    `${dir}: found a directory, expected a YAML config file such as ${dir}/pm.yaml`,
  ]);
  assert.match(
    errorLines(path.join(dir, 'nope.yaml'))[0]!,
    /nope\.yaml: no such file: check the path, or run `pm init`/,
  );
  const big = path.join(dir, 'big.yaml');
  fs.writeFileSync(big, '');
  fs.truncateSync(big, 50 * 1024 * 1024); // sparse: the size is there, the bytes are not read
  assert.ok(fs.statSync(big).size > MAX_CONFIG_BYTES);
  assert.deepEqual(errorLines(big), [
    `${big}: found 50.0 MB, expected a config file of at most 1 MB: is this the right file?`,
  ]);
});

test('--env with a profile no app defines, and --only with an unknown app', () => {
  const file = writeConfig(app('    env_staging: { A: 1 }\n'));
  assert.deepEqual(errorLines(file, { profile: 'prod', only: ['web', 'wbe'] }), [
    `${file}: 2 errors, nothing was started or changed`,
    `${file}: --env prod: no app has env_prod:, expected one of staging`,
    `${file}: --only wbe: no such app, expected one of web`,
  ]);
});

test('every error of a file is reported at once, in file order, under one header', () => {
  const file = path.join(CONFIGS, 'every-error.yaml');
  const lines = errorLines(file);
  assert.equal(lines[0], `${file}: 7 errors, nothing was started or changed`);
  assert.deepEqual(
    lines.slice(1).map((line) => line.split(': ')[1]),
    [
      'process_management.recovery.max_restart',
      'process_management.pool.max_size',
      'apps[0].script',
      'apps[1].name',
      'apps[2].cwd',
      'apps[3].instances',
      'apps[3].stop.kill_timeout',
    ],
  );
  const lineNumbers = lines.slice(1).map((line) => Number(line.slice(file.length + 1).split(':')[0]));
  assert.deepEqual(lineNumbers, [4, 5, 8, 9, 13, 16, 17]);
});

test('a file that the process may not read says so', {
  skip: process.getuid?.() === 0 && 'root reads any file',
}, () => {
  const file = writeConfig(app(''));
  fs.chmodSync(file, 0o000);
  assert.match(errorLines(file)[0]!, /cannot read it \(EACCES\): check its permissions$/);
});

test('an app with a shape error still gets its file checks in the same run', () => {
  const file = writeConfig(
    'apps:\n  - name: web\n    script: gone.js\n    instances: -1\n    health: { tcp: "db:99999" }\n',
  );
  assert.deepEqual(
    errorLines(file)
      .slice(1)
      .map((line) => line.split(': ')[1]),
    ['apps[0].script', 'apps[0].instances', 'apps[0].health.tcp'],
  );
});

test('floors: a memory limit under 1M, a probe faster than 100ms, a bad env name or a NUL, a non-http URL', () => {
  const file = writeConfig(
    app(
      '    env: { "A B": 1, OK: "a\\0b" }\n    limits: { max_memory: 1 }\n' +
        '    health: { http: "file:///etc/passwd", interval: 1ms, timeout: 50ms }\n',
    ),
  );
  assert.match(
    errorAt(file, 'apps[0].env.A B'),
    /found the name "A B", expected a name of letters, digits and "_"/,
  );
  assert.match(
    errorAt(file, 'apps[0].env.OK'),
    /found "a\\x00b", expected a value \(without NUL characters\)$/,
  );
  assert.match(errorAt(file, 'apps[0].limits.max_memory'), /expected a size of at least 1M,/);
  assert.match(errorAt(file, 'apps[0].health.http'), /expected an http:\/\/ or https:\/\/ URL$/);
  assert.match(
    errorAt(file, 'apps[0].health.interval'),
    /found "1ms", expected a duration of at least 100ms,/,
  );
  assert.match(errorAt(file, 'apps[0].health.timeout'), /expected a duration of at least 100ms,/);
});
