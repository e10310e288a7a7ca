// How long a reload's replacement has to be ready: read by the supervisor, shown by `pm describe`.
import type { AppSpec } from '../../protocol/app-spec.js';
import { DEFAULT_LISTEN_TIMEOUT_MS } from '../defaults.js';

/** How long a replacement has: listen_timeout, and with a readiness probe at least what the probe
 * needs to pass (its start period, then success_threshold probes). */
export function readyTimeoutMs(spec: Pick<AppSpec, 'health' | 'listenTimeoutMs'>): number {
  const probes = spec.health.filter((p) => p.kind === 'readiness');
  const probeMs = Math.max(
    0,
    ...probes.map((p) => p.startPeriodMs + p.successThreshold * p.intervalMs + p.timeoutMs),
  );
  return Math.max(spec.listenTimeoutMs ?? DEFAULT_LISTEN_TIMEOUT_MS, probeMs);
}
