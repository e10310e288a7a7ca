import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration, parseSize } from '../../../src/config/units.js';

const durations: Array<[string | number, number]> = [
  ['300s', 300_000],
  ['5m', 300_000],
  ['1h', 3_600_000],
  ['1h30m', 5_400_000],
  ['1m30s', 90_000],
  ['250ms', 250],
  ['2d', 172_800_000],
  ['1.5s', 1_500],
  ['0s', 0],
  ['1500', 1_500],
  ['0', 0],
  [' 5M ', 300_000],
  [1500, 1_500],
  [0, 0],
];

for (const [text, ms] of durations) {
  test(`parseDuration reads ${JSON.stringify(text)} as ${ms} ms`, () => {
    assert.equal(parseDuration(text), ms);
  });
}

test('parseDuration rejects what is not a duration', () => {
  for (const text of ['5x', '-1', '', ' ', 'm', 's5', '5 m', '1h30', '1e3', '.5s', '5s-', 'ms', '1h 30m']) {
    assert.equal(parseDuration(text), undefined, JSON.stringify(text));
  }
  for (const n of [-1, Number.NaN, Number.POSITIVE_INFINITY]) assert.equal(parseDuration(n), undefined);
});

const sizes: Array<[string | number, number]> = [
  ['200M', 200 * 1024 ** 2],
  ['1G', 1024 ** 3],
  ['512K', 512 * 1024],
  ['100B', 100],
  ['1.5G', 1.5 * 1024 ** 3],
  ['1T', 1024 ** 4],
  ['200m', 200 * 1024 ** 2],
  ['200MB', 200 * 1024 ** 2],
  ['200MiB', 200 * 1024 ** 2],
  ['64 kb', 64 * 1024],
  ['4096', 4096],
  [4096, 4096],
];

for (const [text, bytes] of sizes) {
  test(`parseSize reads ${JSON.stringify(text)} as ${bytes} bytes`, () => {
    assert.equal(parseSize(text), bytes);
  });
}

test('parseSize rejects what is not a size', () => {
  for (const text of ['5x', '-1', '', 'M', 'G1', '1.5.5G', '1e6', '10MBB', '1bb', '1ib', '1 2M', 'lots']) {
    assert.equal(parseSize(text), undefined, JSON.stringify(text));
  }
  for (const n of [-1, Number.NaN, Number.POSITIVE_INFINITY]) assert.equal(parseSize(n), undefined);
});
