import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sparkline } from '../../../src/top/Sparkline.js';

test('values map to eight bar heights between the scale bounds, newest on the right', () => {
  assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8), '▁▂▃▄▅▆▇█');
  assert.equal(sparkline([0, 50, 100], 3, { min: 0, max: 100 }), '▁▅█');
});

test('a short history is padded on the left, a long one shows only its last `width` values', () => {
  assert.equal(sparkline([1, 2], 5), '   ▁█');
  assert.equal(sparkline([9, 9, 9, 0, 7], 2), '▁█');
  assert.equal(sparkline([], 3), '   ');
  assert.equal(sparkline([1, 2], 0), '');
});

test('a flat line sits at the bottom; a value above the scale max raises the top', () => {
  assert.equal(sparkline([5, 5, 5], 3), '▁▁▁');
  assert.equal(sparkline([0, 20], 2, { min: 0, max: 10 }), '▁█');
  assert.equal(sparkline([0, 5], 2, { min: 0, max: 10 }), '▁▅');
});
