// A long reply encoded in slices is the very line one JSON.stringify makes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeReply } from '../../../src/daemon/encode-reply.js';
import { encodeFrame } from '../../../src/protocol/framing.js';

test('a reply encoded a slice per turn is the same line as at once', async () => {
  const item = (n: number) => ({
    n,
    name: `web:${n}`,
    pid: n % 3 ? n : null,
    skipped: undefined,
    tags: ['a', '"b"'],
  });
  for (const length of [0, 1, 3, 4, 7, 12]) {
    const data = Array.from({ length }, (_, n) => item(n));
    assert.equal(await encodeReply(7, data, 3), encodeFrame({ id: 7, ok: true, data }), `${length} items`);
  }
  assert.equal(await encodeReply('x', { a: 1 }, 3), encodeFrame({ id: 'x', ok: true, data: { a: 1 } }));
  assert.equal(await encodeReply(1, undefined, 3), encodeFrame({ id: 1, ok: true, data: undefined }));
});
