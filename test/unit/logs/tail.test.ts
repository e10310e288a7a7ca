import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { linesFromEnd } from '../../../src/logs/tail.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-tail-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function fileWith(content: string | Buffer): string {
  const file = path.join(dir, `f${Math.random()}`);
  fs.writeFileSync(file, content);
  return file;
}

/** What a whole-file read gives, newest first: the reference the block reader must match. */
function reference(content: string): string[] {
  if (content === '') return [];
  const lines = content.split('\n');
  if (content.endsWith('\n')) lines.pop();
  return lines.reverse();
}

test('lines come newest first, for every block size, blank lines and a missing final newline included', () => {
  const contents = [
    '',
    '\n',
    'a',
    'a\n',
    '\na\n',
    'a\n\n',
    'one\ntwo\n\nthree\n',
    'x\ny\nlast without newline',
  ];
  for (const content of contents) {
    const file = fileWith(content);
    for (let block = 1; block <= 8; block++) {
      assert.deepEqual(
        [...linesFromEnd(file, block)],
        reference(content),
        `${JSON.stringify(content)} / ${block}`,
      );
    }
  }
});

test('multi-byte characters split across block edges come out whole', () => {
  const content = 'ünïcödé ✓\nß\n日本語\n';
  const file = fileWith(content);
  for (let block = 1; block <= 5; block++)
    assert.deepEqual([...linesFromEnd(file, block)], reference(content));
});

test('a big file is read only as far back as the caller asks', () => {
  const line = `${'x'.repeat(99)}\n`;
  const file = fileWith(line.repeat(100_000)); // 10 MB
  const reads: number[] = [];
  const readSync = fs.readSync;
  const spy = ((...args: Parameters<typeof fs.readSync>) => {
    const bytes = readSync(...args);
    reads.push(bytes);
    return bytes;
  }) as typeof fs.readSync;
  fs.readSync = spy;
  try {
    const lines: string[] = [];
    for (const l of linesFromEnd(file)) if (lines.push(l) === 20) break;
    assert.equal(lines.length, 20);
  } finally {
    fs.readSync = readSync;
  }
  assert.ok(reads.reduce((a, b) => a + b, 0) <= 64 * 1024, `read ${reads.length} blocks`);
});

test('a missing file yields nothing', () => {
  assert.deepEqual([...linesFromEnd(path.join(dir, 'missing'))], []);
});
