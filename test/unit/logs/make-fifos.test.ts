// The pipes of new instances: the ones there are kept, the missing ones made, a file where a pipe
// belongs replaced, in one mkfifo; many are looked for by one read of their directory.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { makeFifos } from '../../../src/logs/instance-output.js';

for (const [way, extra] of [
  ['one by one (a few)', 0],
  ['by a read of the directory (many)', 100],
] as const) {
  test(`makeFifos keeps the pipes there are, makes the missing ones and replaces a file in the way, ${way}`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-fifos-'));
    try {
      const [kept, made, file] = ['kept.out', 'made.out', 'file.out'].map((name) => path.join(dir, name));
      await makeFifos([kept!]);
      const inode = fs.statSync(kept!).ino;
      fs.writeFileSync(file!, 'not a pipe');
      const more = Array.from({ length: extra }, (_, i) => path.join(dir, `n${i}.err`));
      await makeFifos([kept!, made!, file!, ...more, path.join(dir, 'sub', 'missing-dir.out')]).catch(
        () => {},
      );
      assert.equal(fs.statSync(kept!).ino, inode, 'the same pipe');
      for (const p of [kept!, made!, file!, ...more])
        assert.ok(fs.statSync(p).isFIFO(), `${path.basename(p)} is a pipe`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('makeFifos makes hundreds of pipes at once', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-fifos-'));
  try {
    await makeFifos(Array.from({ length: 300 }, (_, i) => path.join(dir, `n${i}.err`)));
    assert.equal(fs.readdirSync(dir).filter((name) => name.startsWith('n')).length, 300);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
