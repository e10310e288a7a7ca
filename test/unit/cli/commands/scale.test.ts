import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from 'commander';
import { parseScale } from '../../../../src/cli/commands/scale.js';
import type { ScaleChange } from '../../../../src/protocol/messages.js';

const rows: Array<[string, ScaleChange]> = [
  ['4', { mode: 'set', count: 4 }],
  ['0', { mode: 'set', count: 0 }],
  ['+2', { mode: 'add', count: 2 }],
  ['-1', { mode: 'add', count: -1 }],
  ['-10', { mode: 'add', count: -10 }],
  ['007', { mode: 'set', count: 7 }],
];

for (const [text, change] of rows) {
  test(`scale "${text}" means ${change.mode} ${change.count}`, () => {
    assert.deepEqual(parseScale(text), change);
  });
}

test('a scale that is not N, +N or -N is rejected as a bad argument', () => {
  for (const text of ['', 'x', '1.5', '+-1', '--1', '++1', ' 4', '4 ', '+', '-', '1e3']) {
    assert.throws(
      () => parseScale(text),
      (error) => error instanceof InvalidArgumentError && error.message === 'expected N, +N or -N',
      JSON.stringify(text),
    );
  }
});

test('a count over 10000 is told in the words the user typed, not the wire field', () => {
  for (const text of ['20000', '+10001', '-99999']) {
    assert.throws(
      () => parseScale(text),
      (error) =>
        error instanceof InvalidArgumentError &&
        error.message === `found ${text}: an app has at most 10000 instances`,
      text,
    );
  }
  assert.deepEqual(parseScale('10000'), { mode: 'set', count: 10_000 });
});
