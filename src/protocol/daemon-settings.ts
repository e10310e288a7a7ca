// The daemon-wide settings: one sampler and one Prometheus endpoint serve every app. The daemon's
// environment gives their values at start; a config file's process_management.monitoring changes them.

/** The settings in effect. */
export interface DaemonSettings {
  /** Time between two samples of every instance, in ms; 0: no sampling. */
  metricsIntervalMs: number;
  /** Port of the /metrics endpoint on 127.0.0.1; null: no endpoint. */
  prometheusPort: number | null;
}

/** What an `apply` changes: a key left out keeps its current value. */
export type DaemonSettingsChange = Partial<DaemonSettings>;

/** The shortest interval a config may set: `metrics_interval: 1` is 1 ms, surely meant as 1s. */
export const MIN_METRICS_INTERVAL_MS = 100;
