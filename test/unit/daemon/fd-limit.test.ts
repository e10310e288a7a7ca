// Reading the open-file limits the daemon raises at start.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFdLimits } from '../../../src/daemon/fd-limit.js';

const limits = (soft: string, hard: string) =>
  `Limit                     Soft Limit           Hard Limit           Units     \nMax processes             127473               127473               processes \nMax open files            ${soft}                 ${hard}                files     \n`;

test('the soft and hard open-file limits are read from /proc/<pid>/limits', () => {
  assert.deepEqual(parseFdLimits(limits('1024', '524288')), { soft: 1024, hard: 524288 });
  assert.deepEqual(parseFdLimits(limits('1024', 'unlimited')), {
    soft: 1024,
    hard: Number.POSITIVE_INFINITY,
  });
  assert.equal(parseFdLimits('Max processes 1 1 processes\n'), null);
});
