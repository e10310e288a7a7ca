// How late the daemon's event loop ran since it started, for `pm ping`: anything that held the
// loop up (a slow request, a sync read of a big file) shows as the max, without a profiler.
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import type { EventLoopDelay } from '../protocol/messages.js';

/** A sample every 50 ms costs under 0.1 % of a core at idle (every 10 ms: 0.4 %, the whole idle budget). */
export const LOOP_DELAY_RESOLUTION_MS = 50;

export interface LoopDelayMonitor {
  read(): EventLoopDelay;
}

/** The histogram records the intervals between its timer's runs in ns, the resolution included. */
export function loopDelayOf(
  histogram: Pick<IntervalHistogram, 'count' | 'max' | 'percentile'>,
): EventLoopDelay {
  if (histogram.count === 0) return { maxMs: 0, p99Ms: 0 };
  const delayMs = (intervalNs: number) =>
    Math.round(Math.max(0, intervalNs / 1e6 - LOOP_DELAY_RESOLUTION_MS) * 10) / 10;
  return { maxMs: delayMs(histogram.max), p99Ms: delayMs(histogram.percentile(99)) };
}

export function startLoopDelayMonitor(): LoopDelayMonitor {
  const histogram = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  histogram.enable();
  return { read: () => loopDelayOf(histogram) };
}
