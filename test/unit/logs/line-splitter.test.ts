import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineSplitter } from '../../../src/logs/line-splitter.js';

const text = (b: Buffer | null) => (b === null ? null : b.toString());

test('a chunk of whole lines comes out as one block, unchanged', () => {
  const splitter = new LineSplitter();
  assert.equal(text(splitter.push(Buffer.from('a\nb\n'))), 'a\nb\n');
  assert.equal(splitter.hasPartial, false);
});

test('a partial line is held until its newline arrives, then joined whole', () => {
  const splitter = new LineSplitter();
  assert.equal(text(splitter.push(Buffer.from('a\nhal'))), 'a\n');
  assert.equal(splitter.hasPartial, true);
  assert.equal(splitter.push(Buffer.from('f a li')), null);
  assert.equal(text(splitter.push(Buffer.from('ne\nnext'))), 'half a line\n');
  assert.equal(text(splitter.takePartial()), 'next\n');
  assert.equal(splitter.takePartial(), null);
});

test('takePartial ends the held tail with a newline so the file stays line-shaped', () => {
  const splitter = new LineSplitter();
  splitter.push(Buffer.from('no newline yet'));
  assert.equal(text(splitter.takePartial()), 'no newline yet\n');
  assert.equal(splitter.hasPartial, false);
});

test('the held tail is counted in bytes, so the caller can end a line that grows too long', () => {
  const splitter = new LineSplitter();
  splitter.push(Buffer.from('abcd'));
  splitter.push(Buffer.from('efg'));
  assert.equal(splitter.partialBytes, 7);
  assert.equal(text(splitter.push(Buffer.from('h\ni'))), 'abcdefgh\n');
  assert.equal(splitter.partialBytes, 1);
});

test('any cut of a stream into chunks yields the same lines, each block ending on a newline', () => {
  const input = 'one\ntwo\n\nthree four\nfive\nsix';
  for (let size = 1; size <= input.length; size++) {
    const splitter = new LineSplitter();
    let out = '';
    for (let i = 0; i < input.length; i += size) {
      const block = splitter.push(Buffer.from(input.slice(i, i + size)));
      if (block) {
        assert.ok(block.toString().endsWith('\n'), `chunk size ${size}: a block ends mid-line`);
        out += block.toString();
      }
    }
    out += text(splitter.takePartial()) ?? '';
    assert.equal(out, `${input}\n`, `chunk size ${size}`);
  }
});
