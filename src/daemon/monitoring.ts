// Wires the monitoring pieces into the daemon: the sampler (PM_METRICS_INTERVAL, default 1s,
// `0` turns it off), alert delivery, and the Prometheus endpoint (PM_PROMETHEUS_PORT).
import type http from 'node:http';
import { AlertDispatcher } from '../alerts/alert-dispatcher.js';
import { METRICS_HISTORY_MS, METRICS_INTERVAL_MS } from '../config/defaults.js';
import { parseDuration } from '../config/units.js';
import type { EventLog } from '../logs/event-log.js';
import { collectMetrics } from '../metrics/collect-metrics.js';
import { formatPrometheus } from '../metrics/prometheus-text.js';
import { UsageSampler } from '../metrics/sample-usage.js';
import type { AlertingSpec } from '../protocol/app-spec.js';
import type { PmEvent } from '../protocol/events.js';
import type { ProcessPool } from '../supervisor/process-pool.js';
import { Monitor } from './monitor.js';
import { servePrometheus } from './prometheus.js';

/** Daemon-wide monitoring settings, from the daemon's environment (there is no daemon config file). */
export interface MonitoringSettings {
  metricsIntervalMs: number;
  prometheusPort: number | null;
}

export function readMonitoringSettings(env: NodeJS.ProcessEnv = process.env): MonitoringSettings {
  const interval = env.PM_METRICS_INTERVAL?.trim();
  const parsed = interval === undefined || interval === '' ? METRICS_INTERVAL_MS : parseDuration(interval);
  const port = Number(env.PM_PROMETHEUS_PORT);
  return {
    metricsIntervalMs: interval === 'off' ? 0 : (parsed ?? METRICS_INTERVAL_MS),
    prometheusPort: Number.isInteger(port) && port > 0 && port < 65536 ? port : null,
  };
}

export function startMonitor(pool: ProcessPool, settings: MonitoringSettings, startedAt: number): Monitor {
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

/** Serve /metrics on 127.0.0.1 when a port is set; a port in use is logged, not fatal. */
export async function startPrometheus(
  settings: MonitoringSettings,
  pool: ProcessPool,
  monitor: Monitor,
  log: (message: string) => void,
): Promise<http.Server | null> {
  if (settings.prometheusPort === null) return null;
  const render = () => formatPrometheus(collectMetrics(pool.list(), monitor.daemonUsage(), Date.now()));
  try {
    const server = await servePrometheus(settings.prometheusPort, render);
    log(`prometheus metrics on http://127.0.0.1:${settings.prometheusPort}/metrics`);
    return server;
  } catch (error) {
    log(
      `cannot serve prometheus metrics on 127.0.0.1:${settings.prometheusPort}: ${(error as Error).message}`,
    );
    return null;
  }
}
