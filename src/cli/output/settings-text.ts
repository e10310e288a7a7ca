// The daemon-wide settings in words, as `pm ping` and `pm validate` show them.
import { formatMs } from '../../config/units.js';
import type { DaemonSettingsChange } from '../../protocol/daemon-settings.js';

function describeInterval(ms: number): string {
  if (ms === 0) return 'metrics sampling off';
  return `metrics every ${formatMs(ms)}`;
}

/** Only the settings given: `metrics every 200ms, prometheus on http://127.0.0.1:9209/metrics`. */
export function describeSettings(settings: DaemonSettingsChange): string {
  const { metricsIntervalMs: interval, prometheusPort: port } = settings;
  return [
    ...(interval === undefined ? [] : [describeInterval(interval)]),
    ...(port === undefined
      ? []
      : [port === null ? 'prometheus off' : `prometheus on http://127.0.0.1:${port}/metrics`]),
  ].join(', ');
}
