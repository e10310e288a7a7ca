// The daemon-wide settings in effect: the environment's values at start (PM_METRICS_INTERVAL,
// default 1s, 0 or off turns sampling off; PM_PROMETHEUS_PORT, default none), with what config
// files applied on top (process_management.monitoring: metrics_interval, prometheus.port). The
// applied ones go into the state file, so that a daemon restarted after a crash or by `pm update`
// keeps them, whatever the environment of the CLI that starts it.
import { isDeepStrictEqual } from 'node:util';
import { METRICS_INTERVAL_MS } from '../config/defaults.js';
import { parseDuration } from '../config/units.js';
import type { Monitor } from '../metrics/monitor.js';
import type { PrometheusEndpoint } from '../metrics/prometheus-endpoint.js';
import type { DaemonSettings, DaemonSettingsChange } from '../protocol/daemon-settings.js';
import { PmError } from '../protocol/errors.js';
import type { EventSink } from '../protocol/events.js';

export interface SettingsDeps {
  /** From the daemon's environment (PM_METRICS_INTERVAL, PM_PROMETHEUS_PORT). */
  defaults: DaemonSettings;
  /** What config files applied before, read back from the state file. */
  applied: DaemonSettingsChange;
  monitor: Monitor;
  endpoint: PrometheusEndpoint;
  events: EventSink;
  log: (message: string) => void;
  /** The applied settings changed: the state file is due. */
  onChange: () => void;
}

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

const describePort = (port: number | null) => (port === null ? 'off' : `127.0.0.1:${port}`);

function bindError(port: number, error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  const why = code === 'EADDRINUSE' ? 'the port is in use' : code === 'EACCES' ? 'not allowed' : message;
  return `cannot serve Prometheus metrics on 127.0.0.1:${port}: ${why}${code ? ` (${code})` : ''}`;
}

export class SettingsControl {
  private applied: DaemonSettingsChange;
  private endpointError: string | null = null;
  /** One apply at a time: each compares with what the one before left. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: SettingsDeps) {
    this.applied = { ...deps.applied };
  }

  current(): DaemonSettings {
    return { ...this.deps.defaults, ...this.applied };
  }

  /** Why the Prometheus port is set but not served; null when it is served or none is set. */
  get prometheusError(): string | null {
    return this.endpointError;
  }

  /** What the state file keeps: only what configs applied (the environment gives the rest). */
  snapshot(): DaemonSettingsChange {
    return { ...this.applied };
  }

  /** Serves the port at start; one that cannot be served is logged and recorded, and the daemon runs on. */
  async start(): Promise<void> {
    const port = this.current().prometheusPort;
    if (port === null) return;
    try {
      await this.deps.endpoint.moveTo(port);
      this.deps.log(`prometheus metrics on http://127.0.0.1:${port}/metrics`);
    } catch (error) {
      this.endpointError = bindError(port, error);
      this.deps.log(this.endpointError);
      this.deps.events.record({
        type: 'prometheus-failed',
        severity: 'warning',
        message: `${this.endpointError}; the daemon runs on without it`,
        data: { port },
      });
    }
  }

  /**
   * Changes the settings a config sets. The port is bound first: when that fails this throws a
   * `conflict` and nothing has changed (the old endpoint still serves, the interval is the same).
   */
  apply(change: DaemonSettingsChange): Promise<void> {
    const applying = this.queue.then(() => this.applyNow(change));
    this.queue = applying.catch(() => {});
    return applying;
  }

  stop(): void {
    this.deps.endpoint.close();
  }

  private async applyNow(change: DaemonSettingsChange): Promise<void> {
    const before = this.current();
    const { prometheusPort: port, metricsIntervalMs: intervalMs } = change;
    if (port !== undefined && port !== this.deps.endpoint.port) {
      try {
        await this.deps.endpoint.moveTo(port);
      } catch (error) {
        throw new PmError(
          'conflict',
          `${bindError(port!, error)}; nothing was changed: free the port or set another prometheus.port`,
          { cause: error },
        );
      }
    }
    if (port !== undefined) this.endpointError = null;
    if (intervalMs !== undefined) this.deps.monitor.setIntervalMs(intervalMs);
    const applied = { ...this.applied, ...change };
    if (!isDeepStrictEqual(applied, this.applied)) {
      this.applied = applied;
      this.deps.onChange();
    }
    const after = this.current();
    const changes = [
      ...(after.metricsIntervalMs !== before.metricsIntervalMs
        ? [`metrics interval ${before.metricsIntervalMs} ms → ${after.metricsIntervalMs} ms`]
        : []),
      ...(after.prometheusPort !== before.prometheusPort
        ? [`prometheus ${describePort(before.prometheusPort)} → ${describePort(after.prometheusPort)}`]
        : []),
    ];
    if (changes.length === 0) return;
    this.deps.log(`settings changed: ${changes.join(', ')}`);
    this.deps.events.record({
      type: 'settings-changed',
      severity: 'info',
      message: `settings changed: ${changes.join(', ')}`,
      data: { metricsIntervalMs: after.metricsIntervalMs, prometheusPort: after.prometheusPort },
    });
  }
}
