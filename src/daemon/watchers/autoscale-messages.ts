// The one line each autoscaling decision is told in, with the figures behind it: the event's
// message and what `pm describe` shows as the last scaling.
import type { PoolSpec } from '../../protocol/app-spec.js';
import type { AutoscaleDecision } from '../../supervisor/autoscale.js';

/** Saturated decisions in a row (each a cooldown apart) before the pool is reported as saturated:
 * a pool that reaches max_size gets a few windows for the new instances to take the load. */
export const SATURATED_DECISIONS = 3;

const percent = (value: number | null) => (value === null ? '?' : `${Math.round(value)}%`);

export function duration(ms: number): string {
  if (ms < 1_000) return `${ms}ms`;
  if (ms < 120_000) return `${Math.round(ms / 1_000)}s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)}m`;
  return `${Math.round(ms / 3_600_000)}h`;
}

/** The one line of a decision: `scaled web 2→3: cpu 91% > 70% for 3s`. */
export function describeDecision(name: string, pool: PoolSpec, decision: AutoscaleDecision): string {
  const { from, to, avgCpuPercent, targetCpuPercent, windowMs, idle, queueLength, perInstance } =
    decision.figures;
  const change = `${name} ${from}→${to}`;
  const queue = `queue ${queueLength} > ${from}×${perInstance}`;
  switch (decision.reason) {
    case 'cpu':
      return `scaled ${change}: cpu ${percent(avgCpuPercent)} > ${targetCpuPercent}% for ${duration(windowMs)}`;
    case 'queue':
      return `scaled ${change}: ${queue}`;
    case 'idle':
      return `scaled ${change}: ${idle.map((index) => `${name}:${index}`).join(', ')} idle for ${duration(windowMs)}`;
    case 'bounds':
      return `scaled ${change}: back within its bounds ${pool.minSize}–${pool.maxSize}`;
    case 'saturated': {
      const cpuBusy = avgCpuPercent !== null && avgCpuPercent > targetCpuPercent;
      const load = cpuBusy ? `cpu ${percent(avgCpuPercent)} > ${targetCpuPercent}%` : queue;
      return (
        `${name} saturated: ${load} at max_size ${pool.maxSize} ` +
        `for ${SATURATED_DECISIONS} decisions; raise it with \`pm scale ${name} --max N\` or max_size`
      );
    }
  }
}
