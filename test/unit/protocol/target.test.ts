import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PmError } from '../../../src/protocol/errors.js';
import { APP_NAME_PATTERN, formatTarget, parseTarget, type Target } from '../../../src/protocol/target.js';

const rows: Array<[string, Target]> = [
  ['all', { kind: 'all' }],
  ['0', { kind: 'id', id: 0 }],
  ['42', { kind: 'id', id: 42 }],
  ['web', { kind: 'name', name: 'web' }],
  ['my_app.v2-beta', { kind: 'name', name: 'my_app.v2-beta' }],
  ['web:0', { kind: 'instance', name: 'web', index: 0 }],
  ['web:12', { kind: 'instance', name: 'web', index: 12 }],
  ['_x', { kind: 'name', name: '_x' }],
];

for (const [text, target] of rows) {
  test(`"${text}" parses as a ${target.kind} target and formats back to the same text`, () => {
    assert.deepEqual(parseTarget(text), target);
    assert.equal(formatTarget(target), text);
  });
}

test('a leading zero in an id or index is read as a number', () => {
  assert.deepEqual(parseTarget('007'), { kind: 'id', id: 7 });
  assert.deepEqual(parseTarget('web:01'), { kind: 'instance', name: 'web', index: 1 });
});

test('text that is no name, id, name:index or "all" is rejected with a hint', () => {
  for (const text of [
    '',
    ' ',
    'a b',
    '-web',
    '.hidden',
    'web:',
    'web:x',
    'web:-1',
    ':1',
    'a/b',
    'x'.repeat(65),
  ]) {
    assert.throws(
      () => parseTarget(text),
      (error) =>
        error instanceof PmError &&
        error.code === 'bad-request' &&
        error.message === `"${text}" is not a target: use an app name, an id, name:index or "all"`,
      text,
    );
  }
});

test('a name of 64 characters is the longest accepted', () => {
  assert.deepEqual(parseTarget('x'.repeat(64)), { kind: 'name', name: 'x'.repeat(64) });
});

test('a name that reads as an id or as "all" is not a valid app name, so every app can be targeted', () => {
  for (const name of ['123', '0', 'all']) assert.equal(APP_NAME_PATTERN.test(name), false, name);
  for (const name of ['1a', '2.0', 'all-web', 'ALL', 'web', '_1']) {
    assert.equal(APP_NAME_PATTERN.test(name), true, name);
    assert.deepEqual(parseTarget(formatTarget({ kind: 'name', name })), { kind: 'name', name });
  }
});
