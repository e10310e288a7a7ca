// Health probes as written in a config (`http: URL`, `tcp: 5432`, `exec: CMD`) → complete ProbeSpecs.
import type { ProbeCheck, ProbeSpec } from '../../protocol/app-spec.js';
import { DEFAULT_PROBE, DEFAULT_PROBE_HOST } from '../defaults.js';
import type { ProbeEntry } from './config-format.js';

function toCheck(entry: ProbeEntry): ProbeCheck | string {
  if (entry.http !== undefined) return { type: 'http', url: entry.http };
  if (entry.exec !== undefined) return { type: 'exec', command: entry.exec };
  if (typeof entry.tcp === 'number') return { type: 'tcp', host: DEFAULT_PROBE_HOST, port: entry.tcp };
  const colon = entry.tcp!.lastIndexOf(':');
  const port = Number(entry.tcp!.slice(colon + 1));
  if (port < 1 || port > 65_535) return `found port ${port}, expected a port from 1 to 65535`;
  return { type: 'tcp', host: entry.tcp!.slice(0, colon), port };
}

/** A probe, or the message for its `tcp` key when the port is out of range. */
export function toProbe(entry: ProbeEntry, defaultIntervalMs: number): ProbeSpec | string {
  const check = toCheck(entry);
  if (typeof check === 'string') return check;
  return {
    kind: entry.kind ?? 'liveness',
    check,
    intervalMs: entry.interval ?? defaultIntervalMs,
    timeoutMs: entry.timeout ?? DEFAULT_PROBE.timeoutMs,
    failureThreshold: entry.failure_threshold ?? DEFAULT_PROBE.failureThreshold,
    successThreshold: entry.success_threshold ?? DEFAULT_PROBE.successThreshold,
    startPeriodMs: entry.start_period ?? DEFAULT_PROBE.startPeriodMs,
  };
}
