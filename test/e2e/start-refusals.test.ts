// Careless input to `pm start`: each mistake is refused with one line that says what is wrong and
// exit 1, and nothing is defined (no daemon is even started for a bad option).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { listApps } from '../helpers/daemon.js';
import { fixtureApp, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { processesOf } from '../helpers/temp-home.js';

const t = setupTempHome();

test('option values a config file refuses are refused on the command line, in the same words', async () => {
  const script = fixtureApp('forever.js');
  const cases: Array<[string[], RegExp]> = [
    [['--max-memory', '1'], /--max-memory.*expected a size of at least 1M/],
    [['--health-cmd', 'true', '--health-interval', '1ms'], /--health-interval.*at least 100ms/],
    [['--health-cmd', 'true', '--health-timeout', '10ms'], /--health-timeout.*at least 100ms/],
    [['--health-http', 'file:///etc/passwd'], /--health-http.*an http:\/\/ or https:\/\/ URL/],
    [['--health-http', 'not a url'], /--health-http.*an http:\/\/ or https:\/\/ URL/],
    [['-e', 'A B=1'], /--env.*found the name "A B", expected a name of letters/],
    [['-e', '1X=1'], /--env.*found the name "1X"/],
    [['--hard-memory', '10'], /--hard-memory.*expected a size of at least 1M/],
    [['--cpu', '0'], /--cpu.*found "0", expected a number from 0\.01 to 1024/],
    [['--max-procs', '0'], /--max-procs.*found "0", expected a whole number from 1 to 4194304/],
    [['--max-fds', 'many'], /--max-fds.*found "many", expected a whole number/],
    [['--umask', '8'], /--umask.*found "8", expected octal digits from 0 to 777/],
    [['--user', 'a b'], /--user.*expected a whole number from 0 to 4294967294, or a name of letters/],
    [['--rlimit', 'nofile=0'], /--rlimit.*nofile: found "0", expected a whole number from 1/],
    [['--rlimit', 'files=10'], /--rlimit.*expected NAME=VALUE with NAME one of nofile, nproc, core, memlock/],
  ];
  const results = await Promise.all(cases.map(([args]) => runCli(['start', script, ...args], t.env)));
  for (const [i, [args, message]] of cases.entries()) {
    const result = results[i]!;
    assert.equal(result.code, 1, `${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    assert.match(result.stderr, message);
  }
  assert.deepEqual(processesOf(t.home), []);
});

test('-i 0 and -i max start one instance per CPU, -i -1 one per CPU but one', async () => {
  const cpus = os.availableParallelism();
  for (const [name, value, expected] of [
    ['zero', '0', cpus],
    ['max', 'max', cpus],
    ['most', '-1', Math.max(1, cpus - 1)],
  ] as const) {
    const result = await runCli(['start', 'sleep', '-n', name, '-i', value, '--', '100000'], t.env);
    assert.equal(result.code, 0, result.stderr);
    const instances = (await listApps(t.env)).filter((p) => p.name === name);
    assert.equal(instances.length, expected, `-i ${value}`);
  }
});

test('a PM2 ecosystem file is refused with one line saying what it is, by its name or by its apps export', async () => {
  const named = path.join(t.home, 'ecosystem.config.js');
  fs.writeFileSync(named, 'module.exports = { apps: [{ name: "web", script: "server.js" }] };\n');
  const other = path.join(t.home, 'pm2-apps.cjs');
  fs.writeFileSync(other, 'module.exports = {\n  apps: [{ name: "web", script: "server.js" }],\n};\n');
  for (const file of [named, other, 'ecosystem.config.cjs']) {
    const result = await runCli(['start', file], t.env, { cwd: t.home });
    assert.equal(result.code, 1, `${file}: ${result.stderr}`);
    assert.match(
      result.stderr,
      /^pm: \S+: this is a PM2 ecosystem file: pm reads YAML configs; `pm import pm2 <file> -o pm.yaml` translates it \(docs\/config.md\)\n$/,
    );
  }
  assert.deepEqual(processesOf(t.home), []);
});

test('an app that exits at start-up is reported with its stderr and exit 1; a good one returns within its min uptime', async () => {
  const env = { ...t.env, PM_START_WAIT: undefined };
  const script = path.join(t.home, 'missing-module.js');
  fs.writeFileSync(script, 'require("definitely-not-a-module-xyz");\n');
  const bad = await runCli(['start', script], env);
  assert.equal(bad.code, 1, bad.stderr);
  assert.match(bad.stderr, /^pm: missing-module:0 exited with code 1 after \d+ms at start-up/);
  assert.match(bad.stderr, /Cannot find module 'definitely-not-a-module-xyz'/);
  assert.ok(
    (await listApps(env)).some((p) => p.name === 'missing-module'),
    'the app stays defined',
  );

  const good = await runCli(['start', 'sleep', '--', '100000'], env);
  assert.equal(good.code, 0, good.stderr);
  assert.equal(good.stderr, '');
});

test('a refused app name says why: a reserved word, an id, or not a valid name', async () => {
  const cases: Array<[string, RegExp]> = [
    ['all', /^pm: "all" is a reserved word/],
    ['123', /^pm: "123" looks like an instance id/],
    ['..', /^pm: "\.\." is not a valid app name: use letters/],
  ];
  for (const [name, message] of cases) {
    const result = await runCli(['start', 'sleep', '-n', name, '--', '100000'], t.env);
    assert.equal(result.code, 1, `${name}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assert.match(result.stderr, /^pm: [^\n]+\n$/);
  }
  assert.deepEqual(await listApps(t.env), []);
});
