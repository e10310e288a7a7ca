// Exit codes and error messages of the CLI: 1 for what the user can fix, one line on stderr
// saying what happened; no colour codes unless stdout is a terminal and NO_COLOR is unset.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { listApps } from '../helpers/daemon.js';
import { fixtureApp, PM_BIN, pm, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { processesOf } from '../helpers/temp-home.js';

const t = setupTempHome();

const ANSI = /\u001b\[/;

test('an unknown target exits 1 with one line on stderr that names it', async () => {
  await pm(['start', 'sleep 100000', '--name', 'web'], t.env);
  const cases = [
    ['stop', 'nope'],
    ['restart', 'web:7'],
    ['pause', '4242'],
    ['describe', 'nope'],
    ['delete', 'not a name'],
  ];
  const results = await Promise.all(cases.map((args) => runCli(args, t.env)));
  for (const [i, args] of cases.entries()) {
    const result = results[i]!;
    assert.equal(result.code, 1, `pm ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    assert.match(result.stderr, /^pm: [^\n]+\n$/, `pm ${args.join(' ')} did not print one line`);
    assert.ok(result.stderr.includes(args[1]!), `the message does not name "${args[1]}": ${result.stderr}`);
    assert.equal(result.stdout, '');
  }
  assert.equal((await listApps(t.env))[0]?.status, 'online');
});

test('a bad option value exits 1, names the option, and starts no daemon', async () => {
  const script = fixtureApp('forever.js');
  const cases = [
    ['-i', 'x'],
    ['--kill-timeout', '5x'],
    ['--max-memory', 'lots'],
    ['--env', 'NOVALUE'],
  ] as const;
  const results = await Promise.all(
    cases.map(([option, value]) => runCli(['start', script, option, value], t.env)),
  );
  for (const [i, [option, value]] of cases.entries()) {
    const result = results[i]!;
    assert.equal(result.code, 1, `${option} ${value} exited ${result.code}: ${result.stderr}`);
    assert.ok(result.stderr.includes(option), `the message does not name ${option}: ${result.stderr}`);
  }
  const unknown = await runCli(['frobnicate'], t.env);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /frobnicate/);
  assert.deepEqual(processesOf(t.home), []);
});

test('a program or a cwd that does not exist is refused before anything is defined; a shell line is left to the daemon', async () => {
  const cases: Array<[string[], RegExp]> = [
    [
      ['start', 'definitely-not-a-command-xyz'],
      /^pm: definitely-not-a-command-xyz: command not found in PATH/,
    ],
    [['start', 'sleeep', '--', '100'], /^pm: sleeep: command not found in PATH/],
    [['start', 'sleep', '--cwd', 'no-such-dir', '--', '100'], /^pm: --cwd no-such-dir: no such directory/],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(args, t.env);
    assert.equal(result.code, 1, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, /^pm: [^\n]+\n$/);
    assert.match(result.stderr, message);
  }
  assert.deepEqual(await listApps(t.env), []);
  // The shell decides what its line runs: the daemon's preflight still names the missing program.
  const shell = await runCli(
    ['start', 'definitely-not-a-command-xyz --flag | cat', '--name', 'piped'],
    t.env,
  );
  assert.equal(shell.code, 1);
  const list = await listApps(t.env);
  assert.deepEqual(
    list.map((e) => [e.name, e.status, e.pid]),
    [['piped', 'errored', null]],
  );
  assert.match(list[0]!.reason, /command not found/);
});

test('a directory, a FIFO or a device given as the script says what it is', async () => {
  const fifo = path.join(t.home, 'fifo');
  execFileSync('mkfifo', [fifo]);
  fs.mkdirSync(path.join(t.home, 'adir'));
  const cases: Array<[string, RegExp]> = [
    [t.home, /is a directory/],
    [fifo, /is not a regular file \(a FIFO\)/],
    ['/dev/zero', /is not a regular file \(a character device\)/],
    ['adir', /adir is a directory, and no program of that name is in PATH/],
  ];
  for (const [script, message] of cases) {
    const result = await runCli(['start', script], t.env, { cwd: t.home });
    assert.equal(result.code, 1, `${script}: ${result.stderr}`);
    assert.match(result.stderr, /^pm: [^\n]+\n$/);
    assert.match(result.stderr, message);
  }
  assert.deepEqual(await listApps(t.env), []);
});

test('a script that does not exist or is not executable exits 1 and defines no app', async () => {
  const plain = path.join(t.home, 'plain.txt');
  fs.writeFileSync(plain, 'not a program\n');
  for (const script of ['./missing-script.js', plain]) {
    const result = await runCli(['start', script], t.env);
    assert.equal(result.code, 1, `${script}: ${result.stderr}`);
    assert.match(result.stderr, /^pm: [^\n]+\n$/);
  }
  assert.deepEqual(await listApps(t.env), []);
});

/** Runs bin/pm under a pseudo-terminal (util-linux `script`), so that stdout is a TTY. */
function runInTerminal(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const command = [process.execPath, PM_BIN, ...args].map((a) => `'${a}'`).join(' ');
  return new Promise((resolve, reject) => {
    execFile('script', ['-qec', command, '/dev/null'], { env: { ...env, TERM: 'xterm' } }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
  });
}

test('output has no colour codes when stdout is not a terminal or NO_COLOR is set', async () => {
  const { NO_COLOR: _, ...colorEnv } = t.env;
  await pm(['start', 'sleep 100000', '--name', 'web'], colorEnv);
  for (const args of [['list'], ['describe', 'web'], ['stop', 'nope']]) {
    const result = await runCli(args, colorEnv);
    assert.doesNotMatch(result.stdout + result.stderr, ANSI, `pm ${args.join(' ')} printed colour codes`);
  }
  assert.doesNotMatch(await runInTerminal(['list'], t.env), ANSI, 'colour codes despite NO_COLOR');
  // The check above means something only if a terminal does get colours.
  assert.match(await runInTerminal(['list'], colorEnv), ANSI, 'no colour codes in a terminal');
});

test('start of an existing app with options is refused and leaves the app running as it was', async () => {
  await pm(['start', 'sleep 100000', '--name', 'web'], t.env);
  const [before] = await listApps(t.env);

  const result = await runCli(['start', 'web', '-i', '2'], t.env);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /^pm: "web" is an existing app[^\n]*pm scale web N[^\n]*\n$/);

  const after = await listApps(t.env);
  assert.deepEqual(
    after.map((p) => [p.name, p.status, p.pid]),
    [['web', 'online', before!.pid]],
  );
});

test('stop, pause and delete of an errored app exit 0: its error is not theirs; restart of it exits 1', async () => {
  await runCli(['start', 'definitely-not-a-command-xyz | cat', '--name', 'broken'], t.env);
  for (const verb of ['stop', 'pause', 'resume']) {
    const result = await runCli([verb, 'broken'], t.env);
    assert.equal(result.code, 0, `${verb}: ${result.stderr}`);
  }
  assert.equal((await runCli(['restart', 'broken'], t.env)).code, 1);
  const deleted = await runCli(['delete', 'broken'], t.env);
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.equal(deleted.stderr, '');
  assert.deepEqual(await listApps(t.env), []);
});
