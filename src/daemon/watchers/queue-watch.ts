// Probes the queue of each pool that has one, one probe in flight per app, every `interval`, and
// keeps the latest reading for the autoscaler. A failure is reported once per streak of failures
// (the next success ends it) and the probe simply runs again at the next interval.
import { isDeepStrictEqual } from 'node:util';
import type { ProbeContext } from '../../health/probe.js';
import type { QueueProbeResult } from '../../health/queue-probe.js';
import type { QueueSpec } from '../../protocol/app-spec.js';
import type { QueueReading } from '../../supervisor/autoscale.js';

export type QueueProbe = (
  queue: QueueSpec,
  context: ProbeContext,
  signal: AbortSignal,
) => Promise<QueueProbeResult>;

export interface QueueWatchOptions {
  probe: QueueProbe;
  /** Where the app's probe runs (its cwd, environment and user); undefined: no instance to take it from. */
  contextOf: (name: string) => ProbeContext | undefined;
  /** Each reading, a number or an error. */
  onReading: (name: string, reading: QueueReading) => void;
  /** The first failure of a streak. */
  onFailure: (name: string, queue: QueueSpec, reason: string) => void;
  now?: () => number;
}

interface Watched {
  queue: QueueSpec;
  reading: QueueReading | null;
  failing: boolean;
  timer: NodeJS.Timeout | undefined;
  controller: AbortController;
}

export class QueueWatch {
  private readonly watched = new Map<string, Watched>();
  private readonly now: () => number;

  constructor(private readonly options: QueueWatchOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Probes exactly the apps given with a queue: a new or changed queue starts at once, a gone one stops. */
  sync(queues: ReadonlyMap<string, QueueSpec>): void {
    for (const [name, watched] of this.watched) {
      const queue = queues.get(name);
      if (!queue || !isDeepStrictEqual(queue, watched.queue)) this.forget(name);
    }
    let started = 0;
    for (const [name, queue] of queues) {
      if (this.watched.has(name)) continue;
      const watched: Watched = {
        queue,
        reading: null,
        failing: false,
        timer: undefined,
        controller: new AbortController(),
      };
      this.watched.set(name, watched);
      // Many apps starting together (a daemon start, a config of many pools) spread their first
      // probe over an interval: a fork each, all in one turn, would hold the loop, and in step ever after.
      if (started++ === 0) void this.run(name, watched);
      else {
        watched.timer = setTimeout(() => void this.run(name, watched), Math.random() * queue.intervalMs);
        watched.timer.unref();
      }
    }
  }

  reading(name: string): QueueReading | null {
    return this.watched.get(name)?.reading ?? null;
  }

  stop(): void {
    for (const name of [...this.watched.keys()]) this.forget(name);
  }

  private forget(name: string): void {
    const watched = this.watched.get(name);
    if (!watched) return;
    clearTimeout(watched.timer);
    watched.controller.abort();
    this.watched.delete(name);
  }

  private async run(name: string, watched: Watched): Promise<void> {
    const context = this.options.contextOf(name);
    const result: QueueProbeResult = context
      ? await this.options.probe(watched.queue, context, watched.controller.signal)
      : { ok: false, reason: 'no instance to run it as' };
    // Forgotten (stopped, or its queue changed) while the probe ran: its result is stale.
    if (watched.controller.signal.aborted) return;
    if (context) {
      const at = this.now();
      watched.reading = result.ok ? { at, value: result.value } : { at, error: result.reason };
      if (!result.ok && !watched.failing) this.options.onFailure(name, watched.queue, result.reason);
      watched.failing = !result.ok;
      this.options.onReading(name, watched.reading);
    }
    watched.timer = setTimeout(() => void this.run(name, watched), watched.queue.intervalMs);
    watched.timer.unref();
  }
}
