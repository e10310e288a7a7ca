import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeText, quoteText } from '../../../src/protocol/escape-text.js';

test('control characters, DEL and C1 controls are written as \\xNN', () => {
  assert.equal(escapeText('a\x1b[2Jb\x00c\x7fd\x9be\x07'), 'a\\x1b[2Jb\\x00c\\x7fd\\x9be\\x07');
});

test('bidi overrides, line separators, lone surrogates and U+FFFD are written as \\uXXXX', () => {
  assert.equal(escapeText('x\u202Ey\u2028z\uD800w\uFFFD'), 'x\\u202Ey\\u2028z\\uD800w\\uFFFD');
});

test('printable text, including other scripts and emoji, is left as it is', () => {
  assert.equal(escapeText('café 名前 🚀 \\x41'), 'café 名前 🚀 \\x41');
});

test('newlines are escaped unless kept', () => {
  assert.equal(escapeText('a\nb\tc'), 'a\\x0ab\\x09c');
  assert.equal(escapeText('a\nb\tc\x1b', '\n\t'), 'a\nb\tc\\x1b');
});

test('a quoted value escapes quotes and backslashes, and is cut without splitting an escape', () => {
  assert.equal(quoteText('say "hi"\\\x00'), '"say \\"hi\\"\\\\\\x00"');
  const cut = quoteText('\x00'.repeat(40), 20);

  assert.ok(cut.length <= 20, cut);
  assert.match(cut, /^"(\\x00)+\.\.\."$/);
  assert.equal(quoteText('short', 60), '"short"');
});
