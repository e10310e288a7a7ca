import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  array,
  bool,
  type Check,
  int,
  literal,
  nullable,
  object,
  optional,
  record,
  type ShapeOf,
  str,
} from '../../../src/protocol/check.js';
import { PmError } from '../../../src/protocol/errors.js';

/** Asserts that the check rejects the value with a bad-request error carrying exactly this message. */
function rejects(check: Check<unknown>, value: unknown, path: string, message: string): void {
  assert.throws(
    () => check(value, path),
    (error) => error instanceof PmError && error.code === 'bad-request' && error.message === message,
  );
}

test('str and bool accept their type only, naming what they found', () => {
  assert.equal(str('x', 'a'), 'x');
  assert.equal(bool(false, 'a'), false);
  rejects(str, 1, 'a', 'a: expected a string, found number');
  rejects(str, null, 'a', 'a: expected a string, found null');
  rejects(bool, 'true', 'b', 'b: expected a boolean, found string');
  rejects(bool, [], 'b', 'b: expected a boolean, found an array');
});

test('int accepts whole numbers within its bounds only', () => {
  const percent = int(0, 100);
  assert.equal(percent(0, 'p'), 0);
  assert.equal(percent(100, 'p'), 100);
  for (const bad of [-1, 101, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '5']) {
    assert.throws(() => percent(bad, 'p'), /^PmError: p: expected an integer in 0\.\.100/);
  }
  assert.throws(() => int()(-1, 'n'), /n: expected an integer in 0\.\.9007199254740991, found number/);
});

test('literal accepts one of its values', () => {
  const mode = literal('set', 'add');
  assert.equal(mode('add', 'mode'), 'add');
  rejects(mode, 'mul', 'mode', 'mode: expected one of set, add, found string');
  rejects(mode, undefined, 'mode', 'mode: expected one of set, add, found undefined');
});

test('optional passes undefined through, nullable passes null through', () => {
  assert.equal(optional(str)(undefined, 'o'), undefined);
  rejects(optional(str), null, 'o', 'o: expected a string, found null');
  assert.equal(nullable(str)(null, 'n'), null);
  rejects(nullable(str), undefined, 'n', 'n: expected a string, found undefined');
});

test('array checks each item under an indexed path and bounds the length', () => {
  assert.deepEqual(array(int())([1, 2], 'xs'), [1, 2]);
  rejects(array(int()), [1, 'two'], 'xs', 'xs[1]: expected an integer in 0..9007199254740991, found string');
  rejects(array(str, 2), ['a', 'b', 'c'], 'xs', 'xs: expected an array (at most 2), found an array');
  rejects(array(str), { length: 0 }, 'xs', 'xs: expected an array (at most 100000), found object');
});

test('record checks each value under a dotted path', () => {
  assert.deepEqual(record(str)({ A: '1', B: '2' }, 'env'), { A: '1', B: '2' });
  rejects(record(str), { A: '1', B: 2 }, 'env', 'env.B: expected a string, found number');
  rejects(record(str), ['a'], 'env', 'env: expected an object, found an array');
});

test('object keeps declared keys only and drops undefined optionals', () => {
  const point = object({ x: int(), label: optional(str) });
  assert.deepEqual(point({ x: 1, y: 2, extra: 'dropped' }, 'p'), { x: 1 });
  assert.deepEqual(point({ x: 1, label: 'a' }, 'p'), { x: 1, label: 'a' });
  assert.equal(Object.hasOwn(point({ x: 1, label: undefined }, 'p'), 'label'), false);
});

test('object errors name the nested path, starting without a dot at the root', () => {
  const check = object({ outer: object({ inner: array(object({ n: int() })) }) });
  rejects(
    check,
    { outer: { inner: [{ n: 1 }, { n: -1 }] } },
    '',
    'outer.inner[1].n: expected an integer in 0..9007199254740991, found number',
  );
  rejects(check, { outer: 'x' }, '', 'outer: expected an object, found string');
});

test('a value that is not an object at the root is named as the message', () => {
  rejects(object({}), null, '', 'message: expected an object, found null');
  rejects(object({}), [1], '', 'message: expected an object, found an array');
});

// Compile-time: `npm run build` fails if ShapeOf stops catching one of these.
test('ShapeOf wants one check per field, optional fields included, and none for a field the type lacks', () => {
  interface Point {
    x: number;
    label?: string;
  }
  const shape = { x: int(), label: optional(str) } satisfies ShapeOf<Point>;
  // @ts-expect-error label, an optional field, has no check: the validator would drop it
  ({ x: int() }) satisfies ShapeOf<Point>;
  // @ts-expect-error y is no field of Point
  ({ x: int(), label: optional(str), y: int() }) satisfies ShapeOf<Point>;
  // @ts-expect-error x is required: an optional check would let it be missing
  ({ x: optional(int()), label: optional(str) }) satisfies ShapeOf<Point>;
  assert.deepEqual(object(shape)({ x: 1 }, 'p'), { x: 1 });
});
