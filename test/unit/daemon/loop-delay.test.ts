import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOOP_DELAY_RESOLUTION_MS, loopDelayOf } from '../../../src/daemon/loop-delay.js';

const ms = (value: number) => value * 1e6;

test('the delay is what each sampled interval took beyond the sampling resolution, in ms', () => {
  const percentiles: Record<number, number> = { 99: ms(LOOP_DELAY_RESOLUTION_MS + 2.34) };
  const histogram = {
    count: 200,
    max: ms(LOOP_DELAY_RESOLUTION_MS + 812.06),
    percentile: (p: number) => percentiles[p]!,
  };
  assert.deepEqual(loopDelayOf(histogram), { maxMs: 812.1, p99Ms: 2.3 });
});

test('no sample yet, or a timer that ran early, reads as no delay', () => {
  assert.deepEqual(loopDelayOf({ count: 0, max: 0, percentile: () => 511 }), { maxMs: 0, p99Ms: 0 });
  const early = ms(LOOP_DELAY_RESOLUTION_MS - 1);
  assert.deepEqual(loopDelayOf({ count: 3, max: early, percentile: () => early }), { maxMs: 0, p99Ms: 0 });
});
