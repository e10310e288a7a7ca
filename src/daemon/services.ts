// The daemon's parts that run beside the socket server (alert delivery, the pool, the monitor, the
// Prometheus endpoint, the watchers) start from one list and stop from it in reverse, whether the
// daemon shuts down (`pm kill`, SIGTERM) or detaches (`pm update`): a part added to the list is
// stopped on every path, which two hand-written stop sequences had failed to do.

/** Why the daemon ends: `shutdown` stops the apps, `detach` leaves them running for the next daemon. */
export type StopReason = 'shutdown' | 'detach';

export interface Service {
  start(): void | Promise<void>;
  stop(reason: StopReason): void | Promise<void>;
}

export class ServiceList {
  private readonly started: Service[] = [];
  private stopping: Promise<void> | null = null;

  constructor(private readonly services: readonly Service[]) {}

  /** Starts each service once the one before it has started. */
  async start(): Promise<void> {
    for (const service of this.services) {
      await service.start();
      this.started.push(service);
    }
  }

  /** Stops the started services, last first; a second call (a signal during the first) waits for the first. */
  stop(reason: StopReason): Promise<void> {
    this.stopping ??= (async () => {
      for (const service of [...this.started].reverse()) await service.stop(reason);
    })();
    return this.stopping;
  }
}
