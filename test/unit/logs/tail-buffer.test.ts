import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { bufferLinesFromEnd, linesFromEnd } from '../../../src/logs/tail.js';

test('lines of a buffer come newest first exactly as the block reader gives those of a file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-tail-buffer-'));
  try {
    const contents = [
      '',
      '\n',
      '\n\n',
      'a',
      'a\n',
      '\na\n',
      'a\n\n',
      'one\ntwo\n\nthree\n',
      'x\ny\nno newline',
      'ünï\n日本語\n',
    ];
    for (const [i, content] of contents.entries()) {
      const file = path.join(dir, `f${i}`);
      fs.writeFileSync(file, content);
      assert.deepEqual(
        [...bufferLinesFromEnd(Buffer.from(content))],
        [...linesFromEnd(file, 3)],
        JSON.stringify(content),
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
