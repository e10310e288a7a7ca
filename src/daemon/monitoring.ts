// Wires the monitoring pieces into the daemon: the sampler, alert delivery, and the Prometheus
// endpoint. The sampler's interval (default 1s, 0 turns it off) and the endpoint's port (default
// none) start from the daemon's environment, PM_METRICS_INTERVAL and PM_PROMETHEUS_PORT; a config
// file's process_management.monitoring (metrics_interval, prometheus.port) changes them at run time
// (settings-control.ts), and what it set is kept in the state file.
import { AlertDispatcher } from '../alerts/alert-dispatcher.js';
import { METRICS_HISTORY_MS, METRICS_INTERVAL_MS } from '../config/defaults.js';
import { parseDuration } from '../config/units.js';
import type { EventLog } from '../logs/event-log.js';
import { collectMetrics } from '../metrics/collect-metrics.js';
import { Monitor } from '../metrics/monitor.js';
import { PrometheusEndpoint } from '../metrics/prometheus-endpoint.js';
import { formatPrometheus } from '../metrics/prometheus-text.js';
import { UsageSampler } from '../metrics/sample-usage.js';
import type { AlertingSpec } from '../protocol/app-spec.js';
import type { DaemonSettings } from '../protocol/daemon-settings.js';
import type { PmEvent } from '../protocol/events.js';
import type { ProcessPool } from '../supervisor/process-pool.js';

/** The settings' start-up defaults, from the daemon's environment. */
export function readMonitoringSettings(env: NodeJS.ProcessEnv = process.env): DaemonSettings {
  const interval = env.PM_METRICS_INTERVAL?.trim();
  const parsed = interval === undefined || interval === '' ? METRICS_INTERVAL_MS : parseDuration(interval);
  const port = Number(env.PM_PROMETHEUS_PORT);
  return {
    metricsIntervalMs: interval === 'off' ? 0 : (parsed ?? METRICS_INTERVAL_MS),
    prometheusPort: Number.isInteger(port) && port > 0 && port < 65536 ? port : null,
  };
}

export function startMonitor(pool: ProcessPool, settings: DaemonSettings, startedAt: number): Monitor {
  const monitor = new Monitor(pool, new UsageSampler(), {
    intervalMs: settings.metricsIntervalMs,
    historyWindowMs: METRICS_HISTORY_MS,
    startedAt,
  });
  // Every `pm top` adds a listener to both.
  monitor.setMaxListeners(0);
  pool.setMaxListeners(0);
  monitor.start();
  return monitor;
}

/** Subscribe alert delivery before the pool is restored: adopting apps after a crash is itself an alert. */
export function startAlerts(pool: ProcessPool, events: EventLog): AlertDispatcher {
  const alertingFor = (event: PmEvent): AlertingSpec[] => {
    const specs = new Set<AlertingSpec>();
    for (const proc of pool.all()) {
      const alerting = proc.spec.monitoring.alerting;
      if (alerting && (event.app === undefined || proc.name === event.app)) specs.add(alerting);
    }
    return [...specs];
  };
  const dispatcher = new AlertDispatcher({ events, alertingFor });
  dispatcher.start();
  return dispatcher;
}

/** The /metrics endpoint, serving what `pm metrics` prints; it binds nothing until given a port. */
export function createPrometheusEndpoint(pool: ProcessPool, monitor: Monitor): PrometheusEndpoint {
  return new PrometheusEndpoint(() =>
    formatPrometheus(collectMetrics(pool.list(), monitor.daemonUsage(), Date.now())),
  );
}
