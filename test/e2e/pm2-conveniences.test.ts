// What a PM2 user reaches for first: NODE_APP_INSTANCE, increment_var, the status and monit
// aliases, shell completion with app names, and pm logs that ends when piped.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { listApps } from '../helpers/daemon.js';
import { PM_BIN, pm, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const t = setupTempHome();

test('each instance gets NODE_APP_INSTANCE, and increment_var gives each its own port', async () => {
  const file = path.join(t.home, 'pm.yaml');
  fs.writeFileSync(
    file,
    `apps:
  - name: api
    command: sh -c 'echo "instance $NODE_APP_INSTANCE port $PORT"; exec sleep 100000'
    instances: 2
    env: { PORT: 3000 }
    increment_var: PORT
`,
  );
  await pm(['start', file], t.env);
  const apps = await listApps(t.env);
  const lines = await waitFor(() => {
    const text = apps.map((p) => (fs.existsSync(p.outLog) ? fs.readFileSync(p.outLog, 'utf8') : '')).join('');
    return /instance 1/.test(text) && /instance 0/.test(text) ? text : null;
  });
  assert.match(lines, /instance 0 port 3000/);
  assert.match(lines, /instance 1 port 3001/);
  fs.writeFileSync(file, 'apps:\n  - name: b\n    command: sleep 1\n    increment_var: PORT\n');
  const bad = await runCli(['start', file], t.env);
  assert.equal(bad.code, 1);
  assert.match(
    bad.stderr,
    /apps\[0\]\.increment_var: found "PORT", expected a variable of env: holding a whole number/,
  );
});

test('--node-args go to node before the script; a program run directly refuses them', async () => {
  const script = path.join(t.home, 'args.js');
  fs.writeFileSync(
    script,
    "console.log('execArgv', JSON.stringify(process.execArgv)); setInterval(() => {}, 1000);\n",
  );
  await pm(['start', script, '--name', 'n', '--node-args', '--max-old-space-size=64 --no-warnings'], t.env);
  const [app] = await listApps(t.env);
  const out = await waitFor(() => (fs.existsSync(app!.outLog) ? fs.readFileSync(app!.outLog, 'utf8') : null));
  assert.match(out, /execArgv \["--max-old-space-size=64","--no-warnings"\]/);
  const refused = await runCli(['start', 'sleep', '--name', 's', '--node-args', '--x', '--', '100'], t.env);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^pm: interpreter arguments \(--x\) need a script run by an interpreter/);
});

test('pm status is pm list, pm monit is pm top, and pm logs ends when its output is not a terminal', async () => {
  await pm(['start', 'sleep', '--name', 'web', '--', '100000'], t.env);
  assert.match((await pm(['status'], t.env)).stdout, /web:0 .* online/);
  assert.match((await pm(['monit', '--once'], t.env)).stdout, /web:0/);
  await pm(['logs', 'web'], t.env); // returns: piped, it does not follow
  await pm(['logs', 'web', '--no-follow'], t.env);
});

test('pm completion bash completes the commands, and the running apps where a target goes', async () => {
  await pm(['start', 'sleep', '--name', 'checkout', '--', '100000'], t.env);
  const script = path.join(t.home, 'pm.bash');
  fs.writeFileSync(script, (await pm(['completion', 'bash'], t.env)).stdout);
  const complete = (...words: string[]) =>
    execFileSync(
      'bash',
      [
        '-c',
        `pm() { ${JSON.stringify(process.execPath)} ${JSON.stringify(PM_BIN)} "$@"; }
source ${JSON.stringify(script)}
COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')}); COMP_CWORD=${words.length - 1}
_pm_complete; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      { env: t.env, encoding: 'utf8' },
    )
      .trim()
      .split('\n');
  assert.deepEqual(complete('pm', 'sta'), ['start', 'startup', 'status']);
  assert.ok(complete('pm', 'stop', 'che').includes('checkout'));
  assert.match((await pm(['completion', 'zsh'], t.env)).stdout, /^#compdef pm\n/);
});
