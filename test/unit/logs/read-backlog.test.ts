import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { parseLogLine } from '../../../src/logs/parse-log-line.js';
import { lastLines, readBacklog } from '../../../src/logs/read-backlog.js';

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

test('lastLines returns the last N lines oldest first, filtered by a predicate and since', () => {
  const src = source(
    'a.log',
    [1, 2, 3, 4, 5, 6].map((s) => `${iso(s)} line ${s % 2 ? 'odd' : 'even'} ${s}`),
  );
  assert.deepEqual(
    lastLines(src, { lines: 2 }).map((l) => l.line),
    ['line odd 5', 'line even 6'],
  );
  assert.deepEqual(
    lastLines(src, { lines: 10, keep: (l) => l.line.includes('odd') }).map((l) => l.line),
    ['line odd 1', 'line odd 3', 'line odd 5'],
  );
  assert.deepEqual(
    lastLines(src, { lines: 10, sinceMs: ms(4) }).map((l) => l.line),
    ['line even 4', 'line odd 5', 'line even 6'],
  );
});

test('readBacklog merges the streams by time', () => {
  const out = source('b.out.log', [`${iso(1)} o1`, `${iso(3)} o3`]);
  const err = source('b.err.log', [`${iso(2)} e2`, `${iso(4)} e4`], 'err');
  assert.deepEqual(
    readBacklog([out, err], { lines: 10 }).map((l) => `${l.stream}:${l.line}`),
    ['out:o1', 'err:e2', 'out:o3', 'err:e4'],
  );
});

test('lastLines goes on into the newest rotated file when the current one holds too few lines', () => {
  const src = source('c.log', [`${iso(5)} new`]);
  fs.writeFileSync(`${src.path}.2026-01-01_00-00-04.000`, `${iso(3)} older\n${iso(4)} old\n`);
  assert.deepEqual(
    lastLines(src, { lines: 2 }).map((l) => l.line),
    ['old', 'new'],
  );
});
