// `pm logs --grep` with a user's regular expression: whatever the expression, the daemon keeps
// serving (a pattern that backtracks catastrophically once froze it for 83 s).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fixtureApp, pm, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';

const t = setupTempHome();

/** `(a+)+$` tries 2^39 ways to fail on each of these before giving up, in a backtracking engine. */
const EVIL_LINE = `${'a'.repeat(40)}b`;

function writeLog(name: string, lines: string[]): void {
  const file = path.join(t.home, 'logs', `${name}-0.out.log`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

test('a --grep that backtracks catastrophically answers at once, and the daemon never stalls', async () => {
  writeLog('evil', ['aaaa', ...Array(50).fill(EVIL_LINE), 'aaa']);
  await pm(['start', fixtureApp('forever.js'), '--name', 'evil'], t.env);

  const grep = await runCli(['logs', 'evil', '--out', '--raw', '--grep', '(a+)+$', '--lines', '5'], t.env, {
    timeoutMs: 15_000,
  });
  assert.equal(grep.code, 0, grep.stderr);
  assert.deepEqual(grep.stdout.trimEnd().split('\n'), ['aaaa', 'aaa']);
  const { eventLoopDelay } = JSON.parse((await pm(['ping', '--json'], t.env)).stdout);
  assert.ok(eventLoopDelay.maxMs < 1000, `the daemon stalled: ${JSON.stringify(eventLoopDelay)}`);
});

test('an expression that only a backtracking engine can run is refused in one line, exit 1', async () => {
  writeLog('refs', ['abab']);
  await pm(['start', fixtureApp('forever.js'), '--name', 'refs'], t.env);
  for (const pattern of ['(ab)\\1', '(?=a)b', '(?<!a)b', 'x'.repeat(300)]) {
    const refused = await pm(['logs', 'refs', '--grep', pattern], t.env, 1);
    assert.match(refused.stderr, /^pm: --grep: .+\n$/, pattern);
  }
  const ok = await pm(['logs', 'refs', '--out', '--raw', '--grep', '(ab){2}|^\\d+$'], t.env);
  assert.equal(ok.stdout, 'abab\n');
});
