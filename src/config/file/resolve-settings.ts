// process_management.monitoring's daemon-wide keys → the settings change a config file applies:
// only the keys the file sets, so that a file without them leaves the daemon's values alone.
import { type DaemonSettingsChange, MIN_METRICS_INTERVAL_MS } from '../../protocol/daemon-settings.js';
import type { ConfigFile } from './config-format.js';

export function resolveSettings(
  config: ConfigFile,
  report: (keyPath: string, message: string) => void,
): DaemonSettingsChange {
  const monitoring = config.process_management?.monitoring ?? {};
  const change: DaemonSettingsChange = {};
  const interval = monitoring.metrics_interval;
  if (interval !== undefined) {
    if (interval > 0 && interval < MIN_METRICS_INTERVAL_MS) {
      report(
        'process_management.monitoring.metrics_interval',
        `found ${interval}ms, expected 0 (no sampling) or at least ${MIN_METRICS_INTERVAL_MS}ms (a plain number is milliseconds: write 1s)`,
      );
    } else {
      change.metricsIntervalMs = interval;
    }
  }
  const { prometheus } = monitoring;
  if (prometheus !== undefined) change.prometheusPort = prometheus === false ? null : prometheus.port;
  return change;
}
