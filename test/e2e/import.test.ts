// `pm import pm2` run as a black box: every fixture's output is accepted by the real `pm validate`,
// what was left out is on stderr, -o never replaces a file unless --force, and no daemon is needed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { FIXTURES, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';

const t = setupTempHome();

const FIXTURE_FILES = [
  'simple.config.js',
  'cluster.config.js',
  'environments.config.js',
  'computed.config.cjs',
  'ecosystem.json',
  'ecosystem.yaml',
  'unsupported.config.js',
];

const fixture = (name: string): string => path.join(FIXTURES, 'pm2', name);

test('the output of every fixture is accepted by pm validate, and no daemon is started', async () => {
  for (const name of FIXTURE_FILES) {
    const output = path.join(t.home, `${name}.yaml`);
    const imported = await runCli(['import', 'pm2', fixture(name), '-o', output], t.env);
    assert.equal(imported.code, 0, `${name}: ${imported.stderr}`);
    assert.match(imported.stdout, /^wrote .*: check it with `pm validate /);
    const validated = await runCli(['validate', output], t.env);
    assert.equal(validated.code, 0, `${name}: ${validated.stderr}\n${fs.readFileSync(output, 'utf8')}`);
    assert.match(validated.stdout, / is valid: \d+ apps?\n/);
  }
  assert.equal(fs.existsSync(path.join(t.home, 'daemon.sock')), false, 'import starts no daemon');
});

test('the options left out are YAML comments at the top and warnings on stderr, and it exits 0', async () => {
  const result = await runCli(['import', 'pm2', fixture('unsupported.config.js')], t.env);
  assert.equal(result.code, 0, result.stderr);
  const warnings = result.stderr.trimEnd().split('\n');
  assert.ok(warnings.length >= 13, result.stderr);
  for (const line of warnings) assert.match(line, /^pm: warning: (deploy|legacy: \w+): /);
  assert.match(result.stderr, /legacy: instance_var: no equivalent in pm, left out: .*PM_INSTANCE/);
  assert.match(result.stdout, /^ {4}increment_var: PORT$/m, 'increment_var has its pm key');
  const [header] = result.stdout.split('\napps:\n');
  assert.match(
    header!,
    /^# Imported from the PM2 file .*unsupported\.config\.js by `pm import pm2` on \d{4}-/,
  );
  assert.match(header!, /# {3}legacy: vizion: no equivalent in pm, left out: /);
  assert.match(header!, /# {3}deploy: no equivalent in pm, left out: /);
});

test('the cluster file gets its resolved count and a shared port, each with a comment', async () => {
  const result = await runCli(['import', 'pm2', fixture('cluster.config.js')], t.env);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '');
  assert.match(result.stdout, /# PM2: instances: "max", which PM2 resolves to \d+ on this machine/);
  assert.match(result.stdout, /# the cluster shared PORT 3000: .*\n {4}listen: 3000\n/);
});

test('-o refuses to replace a file unless --force, and leaves it as it was', async () => {
  const output = path.join(t.home, 'pm.yaml');
  fs.writeFileSync(output, 'mine\n');
  const refused = await runCli(['import', 'pm2', fixture('ecosystem.json'), '-o', output], t.env);
  assert.equal(refused.code, 1);
  assert.equal(
    refused.stderr,
    `pm: ${output} already exists: add --force to replace it, or give another -o file\n`,
  );
  assert.equal(fs.readFileSync(output, 'utf8'), 'mine\n');
  const forced = await runCli(['import', 'pm2', fixture('ecosystem.json'), '-o', output, '--force'], t.env);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(fs.readFileSync(output, 'utf8'), /name: tick/);
});

test('a file that does not load, has no apps, or another source: one line, exit 1', async () => {
  const broken = path.join(t.home, 'ecosystem.config.cjs');
  fs.writeFileSync(broken, 'module.exports = {\n  apps: [ { script: "a.js" }\n};\n');
  const cases: Array<[string[], RegExp]> = [
    [['import', 'pm2', broken], /^pm: .*ecosystem\.config\.cjs: cannot load it: .*:3\)\n$/],
    [['import', 'pm2', fixture('no-apps.config.js')], /^pm: .*no-apps\.config\.js: no apps: [^\n]*\n$/],
    [['import', 'forever', broken], /^pm: cannot import from "forever": the only source is pm2 [^\n]*\n$/],
  ];
  for (const [args, expected] of cases) {
    const result = await runCli(args, t.env);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, expected);
    assert.equal(result.stdout, '');
  }
});
