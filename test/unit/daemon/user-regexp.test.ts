import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileUserRegExp, MAX_PATTERN_CHARS } from '../../../src/daemon/user-regexp.js';
import { PmError } from '../../../src/protocol/errors.js';

test('an expression that backtracks catastrophically matches in linear time', () => {
  const regexp = compileUserRegExp('(a+)+$');
  // 2^59 ways to fail in a backtracking engine: years, not microseconds.
  const startedAt = process.hrtime.bigint();
  for (let i = 0; i < 100; i++) assert.equal(regexp.test(`${'a'.repeat(60)}b`), false);
  assert.equal(regexp.test('xaaa'), true);
  const elapsedMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
  assert.ok(elapsedMs < 500, `100 lines took ${elapsedMs} ms`);
});

test('an ordinary expression matches the lines JavaScript matches', () => {
  const pattern = '^\\S+ (GET|POST) /api/\\w+ 5\\d\\d\\b|timeout|^$';
  const lines = ['t GET /api/items 503 x', 't POST /api/x 200', 'a timeout', '', 't GET /api/items 5000'];
  const regexp = compileUserRegExp(pattern);
  assert.deepEqual(
    lines.map((line) => regexp.test(line)),
    lines.map((line) => new RegExp(pattern).test(line)),
  );
  assert.deepEqual(
    lines.map((line) => regexp.test(line)),
    [true, false, true, true, false],
  );
});

test('backreferences, lookarounds, bad syntax and long expressions are refused with a reason', () => {
  const reasons = (pattern: string) =>
    assert.throws(
      () => compileUserRegExp(pattern),
      (error) => error instanceof PmError && error.code === 'bad-request' && error.message.length > 0,
    );
  for (const pattern of [
    '(a)\\1',
    '(?=a)',
    '(?<=a)b',
    '(?!a)',
    '(unclosed',
    'x'.repeat(MAX_PATTERN_CHARS + 1),
  ]) {
    reasons(pattern);
  }
  assert.throws(() => compileUserRegExp('(a)\\1'), /backreferences/);
  assert.throws(() => compileUserRegExp('(unclosed'), /Unterminated group/);
  assert.doesNotThrow(() => compileUserRegExp('x'.repeat(MAX_PATTERN_CHARS)));
});
