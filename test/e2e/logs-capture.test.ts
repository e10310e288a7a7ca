// What the daemon writes into the log files: every line, whole, in order, under pressure; partial
// lines held then flushed; two streams sharing a file never mixed inside a line; JSON lines.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { rotatedFiles } from '../../src/logs/rotated-files.js';
import { readDaemonPidFile } from '../helpers/proc.js';
import { fixtureApp, pm } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';
import { linesOf, startApp } from './logs-helpers.js';

const t = setupTempHome();

const logFile = (name: string, stream = 'out') => path.join(t.home, 'logs', `${name}.${stream}.log`);

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

test('200,000 lines written as fast as possible all arrive, in order, with the daemon memory bounded', async () => {
  const total = 200_000;
  await startApp(t, 'burst', fixtureApp('log-burst.js'), { args: [String(total)] });
  const daemon = readDaemonPidFile(t.home)!;
  const file = logFile('burst-0');
  let maxRss = 0;
  // 25 MB with timestamps: the default 10M limit rotates it twice on the way.
  const all = () => [...rotatedFiles(file)].reverse().concat(file).flatMap(linesOf);
  await waitFor(
    () => {
      maxRss = Math.max(maxRss, rssBytes(daemon));
      return fs.existsSync(file) && fs.statSync(file).size > 0 && all().length >= total;
    },
    { timeoutMs: 90_000, intervalMs: 50, message: `${total} lines in ${file} and its rotated files` },
  );
  const lines = all();
  assert.equal(lines.length, total);
  for (let i = 0; i < total; i++) {
    const match = / seq=(\d{7}) x+$/.exec(lines[i]!);
    if (Number(match?.[1]) !== i) assert.fail(`line ${i} is ${JSON.stringify(lines[i])}`);
  }
  assert.ok(lines.every((line) => /^\d{4}-\d\d-\d\dT[\d:.]+Z seq=/.test(line)));
  assert.ok(maxRss < 200 * 2 ** 20, `daemon RSS reached ${(maxRss / 2 ** 20).toFixed(0)} MB`);
});

test('a line written in two parts is stored whole, and a line never finished is flushed after a moment', async () => {
  await startApp(t, 'partial', fixtureApp('log-partial.js'), { logs: { timestamps: false } });
  const lines = await waitFor(() => {
    const found = linesOf(logFile('partial-0'));
    return found.length === 2 ? found : null;
  });
  assert.deepEqual(lines, ['hello', 'dangling']);
});

test('stdout and stderr sent to one file never mix inside a line', async () => {
  const shared = path.join(t.home, 'custom', 'both.log');
  await startApp(t, 'mix', fixtureApp('log-interleave.js'), {
    args: ['200'],
    logs: { outFile: shared, errFile: shared },
  });
  const lines = await waitFor(() => {
    const found = linesOf(shared);
    return found.length === 200 ? found : null;
  });
  for (const line of lines) assert.match(line, /^\S+Z \d+ (o{5000}|e{5000})$/);
  const out = lines.filter((l) => l.endsWith('o')).map((l) => Number(l.split(' ')[1]));
  const err = lines.filter((l) => l.endsWith('e')).map((l) => Number(l.split(' ')[1]));
  assert.deepEqual(
    out,
    Array.from({ length: 100 }, (_, i) => i * 2),
  );
  assert.deepEqual(
    err,
    Array.from({ length: 100 }, (_, i) => i * 2 + 1),
  );
});

test('merge writes every instance into one file; json format stores {ts, app, instance, stream, line}', async () => {
  await startApp(t, 'merged', fixtureApp('log-ticker.js'), {
    args: ['20'],
    logs: { merge: true, format: 'json' },
    instances: 2,
  });
  const records = await waitFor(() => {
    const found = linesOf(logFile('merged')).map((l) => JSON.parse(l));
    return new Set(found.map((r) => r.instance)).size === 2 ? found : null;
  });
  assert.ok(!fs.existsSync(logFile('merged-0')));
  for (const record of records) {
    assert.deepEqual(Object.keys(record), ['ts', 'app', 'instance', 'stream', 'line']);
    assert.equal(record.app, 'merged');
    assert.equal(record.stream, 'out');
    assert.match(record.line, /^out \d+$/);
    assert.ok(!Number.isNaN(Date.parse(record.ts)));
  }
});

test('changed log settings applied to a running app send its next lines to the new file', async () => {
  await startApp(t, 'moved', fixtureApp('log-ticker.js'), { args: ['20'] });
  await waitFor(() => linesOf(logFile('moved-0')).length >= 2);
  const custom = path.join(t.home, 'elsewhere', 'moved.log');
  await startApp(t, 'moved', fixtureApp('log-ticker.js'), { args: ['20'], logs: { outFile: custom } });
  await waitFor(() => linesOf(custom).length >= 2, { message: `lines in ${custom}` });
  const list = JSON.parse((await pm(['list', '--json'], t.env)).stdout);
  assert.equal(list[0].out_log, custom);
  const before = linesOf(logFile('moved-0')).length;
  await waitFor(() => linesOf(custom).length >= 5);
  assert.equal(linesOf(logFile('moved-0')).length, before, 'the old file still grows');
});
