// The /metrics endpoint as a setting that changes while the daemon runs: started, stopped, or moved
// to another port. node:http is loaded only once a port is set.
import type http from 'node:http';
import type { DaemonUsage } from '../protocol/monitoring.js';
import type { ProcessInfo } from '../protocol/process-info.js';
import { collectMetrics } from './collect-metrics.js';
import { formatPrometheus } from './prometheus-text.js';

export class PrometheusEndpoint {
  private server: http.Server | null = null;
  private servedPort: number | null = null;
  /** Moves run one after the other: two applies at once must not both hold a server. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly render: () => Promise<string>) {}

  /** The port being served; null when none is. */
  get port(): number | null {
    return this.servedPort;
  }

  /**
   * Serve on `port`, or stop (null). A new port is bound before the old one is let go, so when it
   * cannot be bound (in use, not allowed) this rejects and the endpoint stays as it was.
   */
  moveTo(port: number | null): Promise<void> {
    const move = this.queue.then(() => this.move(port));
    this.queue = move.catch(() => {});
    return move;
  }

  close(): void {
    this.server?.close();
    this.server = null;
    this.servedPort = null;
  }

  private async move(port: number | null): Promise<void> {
    if (port === this.servedPort) return;
    if (port === null) return this.close();
    const { servePrometheus } = await import('./prometheus-server.js');
    const server = await servePrometheus(port, this.render);
    this.close();
    this.server = server;
    this.servedPort = port;
  }
}

/** The /metrics endpoint, serving what `pm metrics` prints; it binds nothing until given a port.
 * The instances' info is made in slices, as for `pm list`. */
export function createPrometheusEndpoint(
  pool: { listInSlices(): Promise<ProcessInfo[]> },
  monitor: { daemonUsage(): DaemonUsage },
): PrometheusEndpoint {
  return new PrometheusEndpoint(async () =>
    formatPrometheus(collectMetrics(await pool.listInSlices(), monitor.daemonUsage(), Date.now())),
  );
}
