import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FIXED_COLUMNS, rowBudget, scrollOffset, tableLayout } from '../../../src/top/layout.js';

const fixed = Object.values(FIXED_COLUMNS).reduce((a, b) => a + b, 0);
const width = (columns: number) => {
  const { nameWidth, sparkWidth } = tableLayout(columns);
  return fixed + nameWidth + (sparkWidth > 0 ? 2 * (sparkWidth + 1) : 0);
};

test('at 80 columns the table fits exactly, with sparklines; wider terminals widen sparklines, then names', () => {
  assert.deepEqual(tableLayout(80), { nameWidth: 12, sparkWidth: 6 });
  for (const columns of [80, 100, 120, 200]) assert.ok(width(columns) <= columns, `${columns} columns`);
  assert.ok(tableLayout(120).sparkWidth > 6);
  assert.equal(tableLayout(300).sparkWidth, 24);
  assert.ok(tableLayout(300).nameWidth > 100);
});

test('a narrow terminal drops the sparklines before squeezing names', () => {
  assert.deepEqual(tableLayout(70), { nameWidth: 16, sparkWidth: 0 });
});

test('24 rows leave 18 table rows; an open pane takes the larger part below a smaller table', () => {
  assert.deepEqual(rowBudget(24, false), { tableRows: 18, paneRows: 0 });
  const split = rowBudget(24, true);
  assert.equal(split.tableRows + split.paneRows, 18);
  assert.ok(split.tableRows >= 5 && split.paneRows > split.tableRows);
  assert.ok(rowBudget(5, true).tableRows >= 1);
});

test('the scroll offset moves only as far as needed to keep the selection visible', () => {
  assert.equal(scrollOffset(0, 5, 10, 100), 0);
  assert.equal(scrollOffset(0, 10, 10, 100), 1);
  assert.equal(scrollOffset(50, 40, 10, 100), 40);
  assert.equal(scrollOffset(95, 99, 10, 100), 90);
  assert.equal(scrollOffset(30, 3, 10, 5), 0);
});
