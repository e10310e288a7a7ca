// `pm logs` as a user runs it: the last lines merged by time behind a name:index prefix, stream
// filters, --raw, --json, --since, --grep, and --follow receiving lines written after it started.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fixtureApp, PM_BIN, pm } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';
import { linesOf } from './logs-helpers.js';

const t = setupTempHome();

const PREFIXED = /^tick:0 \| (\S+Z) (out|err) (\d+)$/;

async function startTicker(): Promise<void> {
  await pm(['start', fixtureApp('log-ticker.js'), '--name', 'tick', '--', '20'], t.env);
  const out = path.join(t.home, 'logs', 'tick-0.out.log');
  const err = path.join(t.home, 'logs', 'tick-0.err.log');
  await waitFor(() => linesOf(out).length >= 5 && linesOf(err).length >= 5, {
    message: '5 lines per stream',
  });
}

test('pm logs shows the last N lines of each stream merged by time, with a name:index prefix', async () => {
  await startTicker();
  const lines = (await pm(['logs', 'tick', '--lines', '3'], t.env)).stdout.trimEnd().split('\n');
  assert.equal(lines.length, 6, lines.join('\n'));
  const parsed = lines.map((line) => PREFIXED.exec(line));
  assert.ok(parsed.every(Boolean), lines.join('\n'));
  assert.equal(parsed.filter((m) => m![2] === 'out').length, 3);
  const times = parsed.map((m) => Date.parse(m![1]!));
  assert.deepEqual(
    times,
    [...times].sort((a, b) => a - b),
    'not merged by time',
  );

  const errOnly = (await pm(['logs', 'tick', '--err', '--lines', '2'], t.env)).stdout.trimEnd().split('\n');
  assert.equal(errOnly.length, 2);
  assert.ok(errOnly.every((line) => / err \d+$/.test(line)));

  const raw = (await pm(['logs', '--out', '--raw', '--lines', '1'], t.env)).stdout.trimEnd();
  assert.match(raw, /^\S+Z out \d+$/);

  const json = JSON.parse((await pm(['logs', 'tick:0', '--out', '--json', '--lines', '1'], t.env)).stdout);
  assert.deepEqual(Object.keys(json), ['ts', 'app', 'instance', 'stream', 'line']);
  assert.equal(json.app, 'tick');
  assert.equal(json.instance, 0);
  assert.match(json.line, /^out \d+$/);
});

test('--since leaves out older lines and --grep keeps only matching ones', async () => {
  const file = path.join(t.home, 'logs', 'old-0.out.log');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    '2020-01-01T00:00:00.000Z an ancient line\n2020-01-01T00:00:01.000Z another old one\n',
  );
  await pm(['start', fixtureApp('log-ticker.js'), '--name', 'old', '--', '20'], t.env);
  await waitFor(() => linesOf(file).length >= 6);

  const all = (await pm(['logs', 'old', '--out', '--raw', '--lines', '100'], t.env)).stdout;
  assert.match(all, /an ancient line/);
  const recent = (await pm(['logs', 'old', '--out', '--raw', '--lines', '100', '--since', '10m'], t.env))
    .stdout;
  assert.doesNotMatch(recent, /ancient|old one/);
  assert.match(recent, /out \d+/);

  const grep = (await pm(['logs', 'old', '--raw', '--grep', 'anc.ent|ther old', '--lines', '10'], t.env))
    .stdout;
  assert.deepEqual(grep.trimEnd().split('\n'), [
    '2020-01-01T00:00:00.000Z an ancient line',
    '2020-01-01T00:00:01.000Z another old one',
  ]);
  const bad = await pm(['logs', 'old', '--grep', '(unclosed'], t.env, 1);
  assert.match(bad.stderr, /regular expression/);
});

test('pm logs --follow prints lines written after it started, straight from the daemon', async () => {
  await startTicker();
  const follower = spawn(process.execPath, [PM_BIN, 'logs', 'tick', '--follow', '--lines', '0', '--out'], {
    env: t.env,
  });
  let output = '';
  follower.stdout.on('data', (chunk) => {
    output += chunk;
  });
  try {
    const startedAt = Date.now();
    const numbers = await waitFor(
      () => {
        const found = output.split('\n').filter(Boolean);
        return found.length >= 5 ? found : null;
      },
      { timeoutMs: 15_000, message: '5 followed lines' },
    );
    const values = numbers.map((line) => {
      const match = PREFIXED.exec(line);
      assert.ok(match && match[2] === 'out', line);
      assert.ok(Date.parse(match[1]!) >= startedAt - 50, `${line} was written before --follow started`);
      return Number(match[3]);
    });
    assert.deepEqual(
      values,
      values.map((_, i) => values[0]! + i),
      'followed lines have gaps',
    );
  } finally {
    follower.kill();
  }
});
