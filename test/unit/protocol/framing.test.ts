import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type DecodedFrame,
  encodeFrame,
  FrameDecoder,
  MAX_FRAME_BYTES,
} from '../../../src/protocol/framing.js';

/** Push every chunk and collect the frames in order. */
function decode(chunks: Array<string | Buffer>, decoder = new FrameDecoder()): DecodedFrame[] {
  return chunks.flatMap((chunk) => decoder.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
}

const value = (v: unknown): DecodedFrame => ({ ok: true, value: v });
const MALFORMED: DecodedFrame = { ok: false, error: 'malformed' };
const OVERSIZE: DecodedFrame = { ok: false, error: 'oversize' };

test('encodeFrame writes one JSON line that the decoder reads back', () => {
  const message = { id: 1, type: 'list', text: 'line\nbreak é' };
  const line = encodeFrame(message);
  assert.equal(line.indexOf('\n'), line.length - 1);
  assert.deepEqual(decode([line]), [value(message)]);
});

test('a chunk without a newline yields nothing until the newline arrives', () => {
  const decoder = new FrameDecoder();
  assert.deepEqual(decoder.push(Buffer.from('{"id":1')), []);
  assert.deepEqual(decoder.push(Buffer.from('}\n')), [value({ id: 1 })]);
});

test('several frames in one chunk come out in order', () => {
  assert.deepEqual(decode(['{"id":1}\n{"id":2}\n[3]\n']), [value({ id: 1 }), value({ id: 2 }), value([3])]);
});

test('a frame split across many chunks, one byte each, is decoded once', () => {
  const bytes = Buffer.from(encodeFrame({ id: 7, name: 'wéb' }));
  const chunks = [...bytes].map((byte) => Buffer.from([byte]));
  assert.deepEqual(decode(chunks), [value({ id: 7, name: 'wéb' })]);
});

test('a chunk may end one frame, hold another, and start a third', () => {
  assert.deepEqual(decode(['{"id"', ':1}\n{"id":2}\n{"i', 'd":3}\n']), [
    value({ id: 1 }),
    value({ id: 2 }),
    value({ id: 3 }),
  ]);
});

test('empty lines are skipped', () => {
  assert.deepEqual(decode(['\n\n{"id":1}\n', '\n']), [value({ id: 1 })]);
});

test('malformed JSON gives a malformed frame and the next frame still decodes', () => {
  assert.deepEqual(decode(['{"id":\n', 'nope\n{"id":2}\n']), [MALFORMED, MALFORMED, value({ id: 2 })]);
});

test('a frame of exactly the maximum length is accepted', () => {
  const frame = `"${'x'.repeat(14)}"`;
  assert.deepEqual(decode([`${frame}\n`], new FrameDecoder(16)), [value('x'.repeat(14))]);
});

test('an oversize frame whose newline is in the same chunk is reported, then the decoder recovers', () => {
  const decoder = new FrameDecoder(16);
  assert.deepEqual(decode([`"${'x'.repeat(20)}"\n{"id":2}\n`], decoder), [OVERSIZE, value({ id: 2 })]);
});

test('an oversize frame is reported before its newline arrives, and its tail is dropped', () => {
  const decoder = new FrameDecoder(16);
  assert.deepEqual(decoder.push(Buffer.from(`"${'x'.repeat(20)}`)), [OVERSIZE]);
  assert.deepEqual(decoder.push(Buffer.from('x'.repeat(100))), []);
  assert.deepEqual(decoder.push(Buffer.from('xx"\n{"id":3}\n')), [value({ id: 3 })]);
});

test('a frame that grows past the limit over several chunks is oversize', () => {
  const decoder = new FrameDecoder(16);
  assert.deepEqual(decode(['[1,2,3,', '4,5,6,', '7,8,9,10]\n', '{"id":4}\n'], decoder), [
    OVERSIZE,
    value({ id: 4 }),
  ]);
});

test('the default limit is 1 MiB', () => {
  const decoder = new FrameDecoder();
  assert.equal(MAX_FRAME_BYTES, 1024 * 1024);
  assert.deepEqual(decoder.push(Buffer.alloc(MAX_FRAME_BYTES + 1, 0x20)), [OVERSIZE]);
  assert.deepEqual(decoder.push(Buffer.from('\n{"id":5}\n')), [value({ id: 5 })]);
});

/** A budget that counts what decoders hold. */
function countingBudget(maxBytes: number) {
  const budget = {
    used: 0,
    take: (bytes: number) => {
      if (budget.used + bytes > maxBytes) return false;
      budget.used += bytes;
      return true;
    },
    give: (bytes: number) => {
      budget.used -= bytes;
    },
  };
  return budget;
}

test('decoders sharing a budget hold at most its bytes of unfinished frames together', () => {
  const budget = countingBudget(10);
  const [a, b] = [new FrameDecoder(100, budget), new FrameDecoder(100, budget)];
  assert.deepEqual(a.push(Buffer.from('{"id":1,')), []);
  assert.equal(budget.used, 8);
  assert.deepEqual(b.push(Buffer.from('{"id":')), [{ ok: false, error: 'over-budget' }]);
  assert.equal(budget.used, 8);
  assert.ok(a.inFrame && b.inFrame, 'the refused frame is dropped up to its newline');
  assert.deepEqual(b.push(Buffer.from('2}\n{"id":3}\n')), [value({ id: 3 })]);
  assert.deepEqual(a.push(Buffer.from('"x":1}\n')), [value({ id: 1, x: 1 })]);
  assert.equal(budget.used, 0);
  assert.equal(a.inFrame, false);
});

test('a released decoder gives its unfinished frame back to the budget', () => {
  const budget = countingBudget(10);
  const decoder = new FrameDecoder(100, budget);
  decoder.push(Buffer.from('{"id":'));
  assert.equal(budget.used, 6);
  decoder.release();
  assert.equal(budget.used, 0);
  assert.equal(decoder.inFrame, false);
});
