import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { parseLogLine } from '../../../src/logs/parse-log-line.js';
import { lastLines, readBacklog } from '../../../src/logs/read-backlog.js';
import { rotatedFiles } from '../../../src/logs/rotated-files.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-backlog-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const iso = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const ms = (s: number) => Date.UTC(2026, 0, 1, 0, 0, s);

function source(name: string, lines: string[], stream: 'out' | 'err' = 'out') {
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  return { path: file, app: 'web', index: 0, stream };
}

test('parseLogLine reads a timestamped text line, a bare line and a JSON line', () => {
  const src = { path: 'x', app: 'web', index: 2, stream: 'out' as const };
  assert.deepEqual(parseLogLine(`${iso(1)} hello`, src), {
    ts: ms(1),
    app: 'web',
    index: 2,
    stream: 'out',
    line: 'hello',
  });
  assert.deepEqual(parseLogLine('plain', src), {
    ts: null,
    app: 'web',
    index: 2,
    stream: 'out',
    line: 'plain',
  });
  const json = JSON.stringify({ ts: iso(2), app: 'api', instance: 3, stream: 'err', line: 'boom' });
  assert.deepEqual(parseLogLine(json, src), { ts: ms(2), app: 'api', index: 3, stream: 'err', line: 'boom' });
});

test('lastLines returns the last N lines oldest first, filtered by a predicate and since', async () => {
  const src = source(
    'a.log',
    [1, 2, 3, 4, 5, 6].map((s) => `${iso(s)} line ${s % 2 ? 'odd' : 'even'} ${s}`),
  );
  assert.deepEqual(
    (await lastLines(src, { lines: 2 })).map((l) => l.line),
    ['line odd 5', 'line even 6'],
  );
  assert.deepEqual(
    (await lastLines(src, { lines: 10, keep: (l) => l.line.includes('odd') })).map((l) => l.line),
    ['line odd 1', 'line odd 3', 'line odd 5'],
  );
  assert.deepEqual(
    (await lastLines(src, { lines: 10, sinceMs: ms(4) })).map((l) => l.line),
    ['line even 4', 'line odd 5', 'line even 6'],
  );
});

test('readBacklog merges the streams by time', async () => {
  const out = source('b.out.log', [`${iso(1)} o1`, `${iso(3)} o3`]);
  const err = source('b.err.log', [`${iso(2)} e2`, `${iso(4)} e4`], 'err');
  assert.deepEqual(
    (await readBacklog([out, err], { lines: 10 })).map((l) => `${l.stream}:${l.line}`),
    ['out:o1', 'err:e2', 'out:o3', 'err:e4'],
  );
});

test('lastLines goes on into the newest rotated file when the current one holds too few lines', async () => {
  const src = source('c.log', [`${iso(5)} new`]);
  fs.writeFileSync(`${src.path}.2026-01-01_00-00-04.000`, `${iso(3)} older\n${iso(4)} old\n`);
  assert.deepEqual(
    (await lastLines(src, { lines: 2 })).map((l) => l.line),
    ['old', 'new'],
  );
});

/** A source whose lines `seq 1` ... `seq N` (one a second) lie in rotated files of `perFile` lines each,
 * the newest ones in the current file; `gz` says which rotated files (0: the newest) are gzipped. */
function rotatedSource(name: string, total: number, perFile: number, gz: (i: number) => boolean) {
  const lines = Array.from({ length: total }, (_, i) => `${iso(i + 1)} seq ${i + 1}`);
  const chunks: string[][] = [];
  for (let end = total; end > 0; end -= perFile) chunks.push(lines.slice(Math.max(0, end - perFile), end));
  const src = source(name, chunks[0]!);
  chunks.slice(1).forEach((chunk, i) => {
    const rotated = `${src.path}.2026-01-01_00-00-${String(50 - i).padStart(2, '0')}.000`;
    const text = chunk.map((l) => `${l}\n`).join('');
    if (gz(i)) fs.writeFileSync(`${rotated}.gz`, gzipSync(text));
    else fs.writeFileSync(rotated, text);
  });
  return src;
}

const seqs = (lines: { line: string }[]) => lines.map((l) => Number(l.line.split(' ')[1]));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

test('lastLines reads on through plain and gzipped rotated files, newest first, in order', async () => {
  // current: 21-25; rotated: 16-20 plain, 11-15 .gz, 6-10 plain (compression failed), 1-5 .gz
  const src = rotatedSource('d.log', 25, 5, (i) => i % 2 === 1);
  assert.deepEqual(seqs(await lastLines(src, { lines: 25 })), range(1, 25));
  assert.deepEqual(seqs(await lastLines(src, { lines: 100 })), range(1, 25));
  assert.deepEqual(seqs(await lastLines(src, { lines: 12 })), range(14, 25));
  assert.deepEqual(seqs(await lastLines(src, { lines: 3 })), range(23, 25));
  // --since 9 s in: from the line of second 9 on, out of the plain file behind a .gz
  assert.deepEqual(seqs(await lastLines(src, { lines: 100, sinceMs: ms(9) })), range(9, 25));
  // --grep across every file
  assert.deepEqual(
    seqs(await lastLines(src, { lines: 100, keep: (l) => l.line.endsWith('3') })),
    [3, 13, 23],
  );
});

test('a gzipped file is read only when the newer files hold too few lines', async () => {
  const src = rotatedSource('e.log', 10, 5, () => true);
  const gz = rotatedFiles(src.path);
  assert.equal(gz.length, 1);
  fs.writeFileSync(gz[0]!, 'not gzip at all');
  const unreadable: string[] = [];
  const onUnreadable = (file: string) => unreadable.push(file);
  assert.deepEqual(seqs(await lastLines(src, { lines: 5, onUnreadable })), range(6, 10));
  assert.deepEqual(unreadable, []);
});

test('a corrupt or truncated .gz is skipped and named; the lines of the other files all come', async () => {
  // current: 16-20; rotated: 11-15 .gz (truncated), 6-10 .gz (garbage), 1-5 .gz
  const src = rotatedSource('f.log', 20, 5, () => true);
  const [truncated, garbage] = rotatedFiles(src.path);
  const whole = fs.readFileSync(truncated!);
  fs.writeFileSync(truncated!, whole.subarray(0, whole.length - 12));
  fs.writeFileSync(garbage!, Buffer.from('\x1f\x8b definitely not deflate data'));
  const unreadable: string[] = [];
  const lines = await lastLines(src, { lines: 100, onUnreadable: (file) => unreadable.push(file) });
  assert.deepEqual(seqs(lines), [...range(1, 5), ...range(16, 20)]);
  assert.deepEqual(unreadable, [truncated, garbage]);
  // Without a callback it is skipped all the same.
  assert.deepEqual(seqs(await lastLines(src, { lines: 7 })), [4, 5, ...range(16, 20)]);
});

test('readBacklog reads every current file before it returns; rotated .gz files after', async () => {
  const out = rotatedSource('g.out.log', 6, 3, () => true);
  const err = { ...rotatedSource('g.err.log', 6, 3, () => true), stream: 'err' as const };
  const backlog = readBacklog([out, err], { lines: 6 });
  // Lines written from now on would reach a follower as live lines: the backlog must not hold them.
  fs.appendFileSync(out.path, `${iso(59)} seq 99\n`);
  fs.appendFileSync(err.path, `${iso(59)} seq 99\n`);
  const lines = await backlog;
  assert.deepEqual(
    lines.map((l) => `${l.stream}:${l.line.split(' ')[1]}`),
    range(1, 6).flatMap((n) => [`out:${n}`, `err:${n}`]),
  );
});

test('a plain rotated file compressed while the backlog is read is read from its .gz', async () => {
  // current: 7-9; rotated 4-6 .gz (read later), 1-3 plain (its .gz not written yet)
  const src = rotatedSource('h.log', 9, 3, (i) => i === 0);
  const [, plain] = rotatedFiles(src.path);
  assert.ok(plain && !plain.endsWith('.gz'));
  const backlog = lastLines(src, { lines: 9 });
  fs.writeFileSync(`${plain}.gz`, gzipSync(fs.readFileSync(plain)));
  fs.rmSync(plain);
  assert.deepEqual(seqs(await backlog), range(1, 9));
});

test('a line the current file ends inside is still being written: it is left out until it is finished', async () => {
  const src = source('open.log', [`${iso(1)} done`]);
  fs.appendFileSync(src.path, `${iso(2)} Password: `);
  assert.deepEqual(
    (await lastLines(src, { lines: 5 })).map((l) => l.line),
    ['done'],
  );
  fs.appendFileSync(src.path, 'ok\n');
  assert.deepEqual(
    (await lastLines(src, { lines: 5 })).map((l) => l.line),
    ['done', 'Password: ok'],
  );
});

test('a slow filter over a long file lets the event loop run, and lines written after the call are not read', async () => {
  const src = source(
    'slow.log',
    Array.from({ length: 200 }, (_, i) => `${iso(1)} line ${i}`),
  );
  // 1 ms a line, as a pathological --grep costs: 200 ms in all.
  const keep = () => {
    const until = Date.now() + 1;
    while (Date.now() < until);
    return true;
  };
  const reading = readBacklog([src], { lines: 1_000, keep });
  fs.appendFileSync(src.path, `${iso(2)} written after the call\n`);
  let turns = 0;
  const counter = setInterval(() => turns++, 0);
  const lines = await reading;
  clearInterval(counter);
  assert.equal(lines.length, 200);
  assert.equal(lines.at(-1)?.line, 'line 199');
  assert.ok(turns >= 5, `the loop ran ${turns} times while 200 ms of filtering went on`);
});
