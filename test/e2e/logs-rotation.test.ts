// Rotation at the size limit with retention (and gzip), `pm logs` across gzipped files, and `pm flush`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { rotatedFiles } from '../../src/logs/rotated-files.js';
import { fixtureApp, PM_BIN, pm } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';
import { linesOf, startApp } from './logs-helpers.js';

const t = setupTempHome();

const seqOf = (line: string) => Number(/seq=(\d{7})/.exec(line)?.[1] ?? Number.NaN);

test('a log rotates at max size and keeps max files rotated files, each of whole lines', async () => {
  await startApp(t, 'rot', fixtureApp('log-burst.js'), {
    args: ['600'],
    logs: { maxSizeBytes: 4000, maxFiles: 2 },
  });
  const file = path.join(t.home, 'logs', 'rot-0.out.log');
  // 600 lines of 125 bytes: 75 KB through 4 KB files.
  await waitFor(() => linesOf(file).some((line) => seqOf(line) === 599), { message: 'the last line' });
  const rotated = rotatedFiles(file);
  assert.equal(rotated.length, 2, `rotated files: ${rotated.join(', ')}`);
  const kept = [...rotated].reverse().concat(file);
  for (const f of kept) assert.ok(fs.statSync(f).size <= 4000, `${f}: ${fs.statSync(f).size} bytes`);
  const seqs = kept.flatMap(linesOf).map(seqOf);
  assert.equal(seqs.at(-1), 599);
  assert.deepEqual(
    seqs,
    seqs.map((_, i) => seqs[0]! + i),
    'the kept lines are not one unbroken run',
  );
});

test('with compress, rotated files become gzip files holding the same lines', async () => {
  await startApp(t, 'gz', fixtureApp('log-burst.js'), {
    args: ['100'],
    logs: { maxSizeBytes: 4000, maxFiles: 5, compress: true },
  });
  const file = path.join(t.home, 'logs', 'gz-0.out.log');
  await waitFor(() => linesOf(file).some((line) => seqOf(line) === 99));
  const gz = await waitFor(() => {
    const rotated = rotatedFiles(file);
    return rotated.length >= 3 && rotated.every((f) => f.endsWith('.gz')) ? rotated : null;
  });
  const seqs = [...gz]
    .reverse()
    .flatMap((f) => gunzipSync(fs.readFileSync(f)).toString().split('\n').slice(0, -1))
    .concat(linesOf(file))
    .map(seqOf);
  assert.deepEqual(
    seqs,
    Array.from({ length: 100 }, (_, i) => i),
  );
});

/** Starts an app writing `total` numbered lines (then one every `everyMs`) into 4 KB files, gzipped. */
async function startCompressed(name: string, total: number, everyMs?: number) {
  await startApp(t, name, fixtureApp('log-burst.js'), {
    args: everyMs === undefined ? [String(total)] : [String(total), String(everyMs)],
    logs: { maxSizeBytes: 4000, maxFiles: 50, compress: true },
  });
  const file = path.join(t.home, 'logs', `${name}-0.out.log`);
  await waitFor(() => linesOf(file).some((line) => seqOf(line) >= total - 1), { message: 'the last line' });
  return file;
}

test('pm logs reads the lines of gzipped rotated files too, in order', async () => {
  const file = await startCompressed('gzr', 300);
  // 300 lines of 125 bytes in 4 KB files: 9 rotated files, every one gzipped.
  await waitFor(
    () => {
      const rotated = rotatedFiles(file);
      return rotated.length >= 9 && rotated.every((f) => f.endsWith('.gz'));
    },
    { message: 'every rotated file gzipped' },
  );
  const shown = (await pm(['logs', 'gzr', '--out', '--lines', '300', '--raw'], t.env)).stdout;
  assert.deepEqual(
    shown.trimEnd().split('\n').map(seqOf),
    Array.from({ length: 300 }, (_, i) => i),
  );
  const last10 = (await pm(['logs', 'gzr', '--out', '--lines', '10', '--raw'], t.env)).stdout;
  assert.deepEqual(
    last10.trimEnd().split('\n').map(seqOf),
    Array.from({ length: 10 }, (_, i) => 290 + i),
  );

  // A corrupt .gz is skipped, named once in daemon.log, and the other files' lines all come.
  const rotated = rotatedFiles(file);
  const broken = rotated[3]!;
  const brokenSeqs = gunzipSync(fs.readFileSync(broken)).toString().split('\n').slice(0, -1).map(seqOf);
  fs.writeFileSync(broken, fs.readFileSync(broken).subarray(0, 20));
  for (let run = 0; run < 2; run++) {
    const after = (await pm(['logs', 'gzr', '--out', '--lines', '300', '--raw'], t.env)).stdout;
    assert.deepEqual(
      after.trimEnd().split('\n').map(seqOf),
      Array.from({ length: 300 }, (_, i) => i).filter((seq) => !brokenSeqs.includes(seq)),
    );
  }
  const daemonLog = fs.readFileSync(path.join(t.home, 'daemon.log'), 'utf8');
  assert.equal(daemonLog.split(broken).length - 1, 1, daemonLog);
});

test('pm logs --follow prints the gzipped backlog, then the new lines, none lost or repeated', async () => {
  const file = await startCompressed('gzf', 300, 20);
  await waitFor(() => rotatedFiles(file).filter((f) => f.endsWith('.gz')).length >= 8, {
    message: 'gzipped rotated files',
  });
  const follower = spawn(
    process.execPath,
    [PM_BIN, 'logs', 'gzf', '--out', '--follow', '--lines', '5000', '--raw'],
    {
      env: t.env,
    },
  );
  let output = '';
  follower.stdout.on('data', (chunk) => {
    output += chunk;
  });
  try {
    // The backlog, then at least 20 lines written after the follower started.
    const startedAt = seqOf(linesOf(file).at(-1)!);
    const seqs = await waitFor(
      () => {
        const found = output.split('\n').slice(0, -1).map(seqOf);
        return found.length > 0 && found.at(-1)! >= startedAt + 20 ? found : null;
      },
      { timeoutMs: 15_000, message: 'followed lines' },
    );
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => i),
      'the followed lines are not one unbroken run from the first line',
    );
  } finally {
    follower.kill();
  }
});

test('pm flush empties the current files and the app goes on writing into them', async () => {
  await pm(['start', fixtureApp('log-ticker.js'), '--name', 'fl', '--', '20'], t.env);
  const out = path.join(t.home, 'logs', 'fl-0.out.log');
  await waitFor(() => linesOf(out).length >= 3);
  const last = Number(linesOf(out).at(-1)!.split(' ').at(-1));
  const flushed = await pm(['flush', 'fl'], t.env);
  assert.match(flushed.stdout, /emptied 2 log files/);
  const after = await waitFor(() => {
    const lines = linesOf(out);
    return lines.length >= 2 ? lines : null;
  });
  // Every line up to `last` was in the file before the flush: none may be left.
  for (const line of after) assert.ok(Number(line.split(' ').at(-1)) > last, `${line} survived the flush`);
});

test("the daemon's own log and the event log rotate past 10M too, and pm events reads across the rotation", async () => {
  const big = 11 * 1024 * 1024;
  const oldOutput = 'old daemon output\n'.repeat(big / 16);
  fs.writeFileSync(path.join(t.home, 'daemon.log'), oldOutput);
  const event = (i: number) =>
    `${JSON.stringify({ ts: Date.now() - 60_000, type: 'started', severity: 'info', app: `old${i}`, message: 'old' })}\n`;
  const filler = Array.from({ length: 1000 }, (_, i) => event(i)).join('');
  fs.writeFileSync(path.join(t.home, 'events.log'), filler.repeat(Math.ceil(big / filler.length)));

  await pm(['ping'], t.env); // the daemon starts: its log is checked, and it records daemon-started
  const daemonLog = path.join(t.home, 'daemon.log');
  await waitFor(() => rotatedFiles(daemonLog).length === 1, { message: 'a rotated daemon.log' });
  assert.ok(fs.statSync(daemonLog).size < 1024 * 1024, `daemon.log is ${fs.statSync(daemonLog).size} bytes`);
  assert.equal(fs.readFileSync(rotatedFiles(daemonLog)[0]!, 'utf8').slice(0, oldOutput.length), oldOutput);

  const eventLog = path.join(t.home, 'events.log');
  assert.equal(rotatedFiles(eventLog).length, 1);
  assert.ok(fs.statSync(eventLog).size < 1024 * 1024);
  const shown = (await pm(['events', '--json', '--lines', '3'], t.env)).stdout.trimEnd().split('\n');
  assert.deepEqual(
    shown.map((line) => JSON.parse(line).type),
    ['started', 'started', 'daemon-started'],
  );
});
