// pm validate, pm init, pm startup / unstartup, and the shipped example config.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { listApps } from '../helpers/daemon.js';
import { FIXTURES, PM_BIN, pm, ROOT, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';
import { parseUnit } from '../unit/cli/commands/parse-unit.js';

const run = promisify(execFile);

const t = setupTempHome();

const hasSystemdAnalyze = fs.existsSync('/usr/bin/systemd-analyze') || fs.existsSync('/bin/systemd-analyze');

test('pm validate prints a summary of a good config and changes nothing', async () => {
  const { stdout } = await pm(['validate', 'examples/pm.yaml'], t.env);
  assert.equal(
    stdout,
    [
      'examples/pm.yaml is valid: 3 apps',
      '  web: 1 instance, hello-server.js, http liveness probe',
      '  worker: pool of 2 to 4, worker.js',
      '  migrate: 1 instance, migrate.js, a task',
      '',
    ].join('\n'),
  );
  assert.equal(fs.existsSync(path.join(t.home, 'daemon.sock')), false, 'validate starts no daemon');
});

test('pm validate of the example, whose pool sets autoscaling keys, warns about nothing: they act', async () => {
  const result = await runCli(['validate', 'examples/pm.yaml'], t.env);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '');
  const json = await runCli(['validate', '--json', 'examples/pm.yaml'], t.env);
  assert.equal(json.stderr, '');
  assert.equal(JSON.parse(json.stdout).length, 3, 'stdout stays plain JSON');
});

test('pm validate warns on stderr about a pool that no metrics sample will scale, and still exits 0', async () => {
  const file = path.join(t.home, 'pm.yaml');
  fs.writeFileSync(
    file,
    'process_management:\n  monitoring: { metrics_interval: 0 }\n  pool: { max_size: 4 }\napps:\n  - { name: a, command: sleep 100 }\n',
  );
  const result = await runCli(['validate', file], t.env);
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /^pm: warning: .*process_management\.pool: accepted but not acted on: the pool scales on metrics samples/,
  );
});

test('pm start of the example starts the apps with no warning', async () => {
  const result = await runCli(['start', 'examples/pm.yaml', '--only', 'migrate'], t.env);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '');
  assert.deepEqual(
    (await listApps(t.env)).map((p) => p.name),
    ['migrate'],
  );
});

test('pm validate exits 1 with each error of a bad config on its own line', async () => {
  const result = await runCli(['validate', path.join(FIXTURES, 'configs/every-error.yaml')], t.env);
  assert.equal(result.code, 1);
  assert.equal(result.stderr.trim().split('\n').length, 8);
});

test('pm validate --schema prints docs/pm.schema.json', async () => {
  const { stdout } = await pm(['validate', '--schema'], t.env);
  assert.deepEqual(
    JSON.parse(stdout),
    JSON.parse(fs.readFileSync(path.join(ROOT, 'docs/pm.schema.json'), 'utf8')),
  );
});

test('pm init writes a commented pm.yaml and refuses to overwrite it', async () => {
  const first = await runCli(['init'], t.env, { cwd: t.home });
  assert.equal(first.code, 0, first.stderr);
  const file = path.join(t.home, 'pm.yaml');
  const written = fs.readFileSync(file, 'utf8');
  assert.match(written, /^# pm config/);
  fs.appendFileSync(file, '# mine\n');
  const second = await runCli(['init'], t.env, { cwd: t.home });
  assert.equal(second.code, 1);
  assert.match(second.stderr, /pm\.yaml already exists: edit it, or give another name/);
  assert.equal(fs.readFileSync(file, 'utf8'), `${written}# mine\n`);
  const check = await runCli(['validate', 'pm.yaml'], t.env, { cwd: t.home });
  assert.match(check.stderr, /pm\.yaml:\d+:\d+: apps\[0\]\.script: found "server\.js" \(no such file/);
});

test('pm startup --print shows a unit that resurrects at boot and kills at shutdown, without writing it', async () => {
  const env = { ...t.env, XDG_CONFIG_HOME: path.join(t.home, 'xdg') };
  const { stdout } = await pm(['startup', '--user', '--print'], env);
  const unit = parseUnit(stdout);
  assert.deepEqual(unit.Service?.ExecStart, [`${process.execPath} ${PM_BIN} resurrect`]);
  assert.deepEqual(unit.Service?.ExecStop, [`${process.execPath} ${PM_BIN} kill`]);
  assert.equal(unit.Service?.Environment?.[0], `PM_HOME=${t.home}`);
  assert.equal(fs.existsSync(path.join(t.home, 'xdg')), false);
  const system = parseUnit((await pm(['startup', '--system', '--print'], env)).stdout);
  assert.deepEqual(system.Install?.WantedBy, ['multi-user.target']);
  assert.equal(system.Service?.User?.length, 1);
});

test('the unit of pm startup passes systemd-analyze verify', {
  skip: !hasSystemdAnalyze && 'systemd-analyze is not installed',
}, async () => {
  for (const scope of ['--user', '--system']) {
    const file = path.join(t.home, `pm-${scope.slice(2)}.service`);
    fs.writeFileSync(file, (await pm(['startup', scope, '--print'], t.env)).stdout);
    const { stderr } = await run('systemd-analyze', ['verify', file]);
    assert.doesNotMatch(stderr, /pm-(user|system)\.service/, stderr);
  }
});

test('pm startup --user writes and enables the unit under XDG_CONFIG_HOME; pm unstartup removes both', async () => {
  const env = { ...t.env, XDG_CONFIG_HOME: path.join(t.home, 'xdg') };
  const unitFile = path.join(t.home, 'xdg/systemd/user/pm.service');
  const wants = path.join(t.home, 'xdg/systemd/user/default.target.wants/pm.service');
  const { stdout } = await pm(['startup', '--user'], env);
  assert.match(stdout, /^wrote .*pm\.service, enabled at boot$/m);
  assert.deepEqual(parseUnit(fs.readFileSync(unitFile, 'utf8')).Install?.WantedBy, ['default.target']);
  assert.equal(fs.readlinkSync(wants), unitFile);
  await pm(['unstartup', '--user'], env);
  assert.equal(fs.existsSync(unitFile), false);
  assert.equal(fs.lstatSync(wants, { throwIfNoEntry: false }), undefined);
  const again = await runCli(['unstartup', '--user'], env);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /no startup unit at .*: nothing to remove/);
});

test('examples/pm.yaml runs: the web app answers, two workers run, and the task runs once', async () => {
  await pm(['start', 'examples/pm.yaml'], t.env);
  const byName = async () => {
    const infos = await listApps(t.env);
    return (name: string) => infos.filter((p) => p.name === name);
  };
  await waitFor(
    async () => {
      const of = await byName();
      return (
        of('web')[0]?.status === 'online' &&
        of('worker').filter((p) => p.status === 'online').length === 2 &&
        of('migrate')[0]?.status === 'completed' &&
        of('migrate')[0]?.lastExit?.code === 0
      );
    },
    { timeoutMs: 30_000, message: 'web online, 2 workers online, migrate done' },
  );
  const body = await waitFor(async () => (await fetch('http://127.0.0.1:3100/health')).text());
  assert.equal(body, 'ok\n');
  assert.equal((await byName())('migrate')[0]?.restarts, 0);
});
