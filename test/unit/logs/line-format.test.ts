import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_LOGS } from '../../../src/config/defaults.js';
import { createLineFormatter, prefixLines } from '../../../src/logs/line-format.js';

const origin = { app: 'web', index: 1, stream: 'err' } as const;
const at = Date.parse('2026-01-02T03:04:05.678Z');

test('prefixLines puts the prefix before every line and keeps every byte, UTF-8 included', () => {
  const lines = Buffer.from('héllo\n\nwörld ✓\n');
  assert.equal(prefixLines(lines, 'T ').toString(), 'T héllo\nT \nT wörld ✓\n');
});

test('prefixLines leaves out the prefix before the rest of a line begun earlier, and after a last newline', () => {
  assert.equal(prefixLines(Buffer.from('rest\nnext\nunfin'), 'T ', true).toString(), 'rest\nT next\nT unfin');
  assert.equal(prefixLines(Buffer.from('started'), 'T ').toString(), 'T started');
  assert.equal(prefixLines(Buffer.from('\n'), 'T ', true).toString(), '\n');
});

test('text with timestamps: one ISO-8601 time before each line of the block', () => {
  const format = createLineFormatter(DEFAULT_LOGS, origin);
  assert.equal(
    format(Buffer.from('a\nb\n'), at, false).toString(),
    '2026-01-02T03:04:05.678Z a\n2026-01-02T03:04:05.678Z b\n',
  );
});

test('text without timestamps passes the block through untouched', () => {
  const format = createLineFormatter({ format: 'text', timestamps: false }, origin);
  const block = Buffer.from('a\nb\n');
  assert.equal(format(block, at, false), block);
});

test('json: one {ts, app, instance, stream, line} object per line, escapes kept valid', () => {
  const format = createLineFormatter({ format: 'json', timestamps: false }, origin);
  const out = format(Buffer.from('plain\nwith "quotes" and \t tab\n'), at, false).toString();
  const lines = out
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(lines, [
    { ts: '2026-01-02T03:04:05.678Z', app: 'web', instance: 1, stream: 'err', line: 'plain' },
    {
      ts: '2026-01-02T03:04:05.678Z',
      app: 'web',
      instance: 1,
      stream: 'err',
      line: 'with "quotes" and \t tab',
    },
  ]);
});
