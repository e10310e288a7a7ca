// Sends every alert-severity event to the sinks configured for its app (a daemon-wide event goes
// to every configured sink). Delivery runs in the background; a sink that fails is reported once
// with an `alert-failed` event (severity warning, so it is not itself alerted) until it works again.
import type { AlertingSpec } from '../protocol/app-spec.js';
import type { PmEvent, PmEventInput } from '../protocol/events.js';
import type { AlertSink } from './alert-sink.js';
import { createCommandSink } from './command-sink.js';
import { createWebhookSink } from './webhook-sink.js';

export interface DispatcherDeps {
  events: { subscribe(listener: (event: PmEvent) => void): () => void; record(event: PmEventInput): void };
  /** The alerting settings that apply to an event: its app's, or every app's when it names none. */
  alertingFor: (event: PmEvent) => AlertingSpec[];
  createSinks?: (spec: AlertingSpec) => AlertSink[];
  /** Deliveries of one sink in progress at once; beyond that an alert is dropped (and reported). */
  maxPendingPerSink?: number;
}

function defaultSinks(spec: AlertingSpec): AlertSink[] {
  return [
    ...(spec.webhook ? [createWebhookSink(spec.webhook)] : []),
    ...(spec.command ? [createCommandSink(spec.command)] : []),
  ];
}

export class AlertDispatcher {
  private readonly sinks = new Map<string, AlertSink>();
  private readonly failing = new Set<string>();
  private readonly pending = new Map<string, number>();
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly deps: DispatcherDeps) {}

  start(): void {
    this.unsubscribe ??= this.deps.events.subscribe((event) => this.dispatch(event));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** Sends the event to its sinks if it is an alert; returns the deliveries (tests await them). */
  dispatch(event: PmEvent): Promise<void>[] {
    if (event.severity !== 'alert') return [];
    return this.sinksFor(event).map((sink) => this.deliver(sink, event));
  }

  private sinksFor(event: PmEvent): AlertSink[] {
    const found = new Map<string, AlertSink>();
    for (const spec of this.deps.alertingFor(event)) {
      for (const fresh of (this.deps.createSinks ?? defaultSinks)(spec)) {
        const sink = this.sinks.get(fresh.key) ?? fresh;
        this.sinks.set(sink.key, sink);
        found.set(sink.key, sink);
      }
    }
    return [...found.values()];
  }

  private async deliver(sink: AlertSink, event: PmEvent): Promise<void> {
    const pending = this.pending.get(sink.key) ?? 0;
    const limit = this.deps.maxPendingPerSink ?? 32;
    if (pending >= limit) {
      this.reportFailure(sink, event, `${limit} alerts already waiting for it; this one was dropped`);
      return;
    }
    this.pending.set(sink.key, pending + 1);
    try {
      await sink.send(event);
      this.failing.delete(sink.key);
    } catch (error) {
      this.reportFailure(sink, event, (error as Error).message);
    } finally {
      this.pending.set(sink.key, (this.pending.get(sink.key) ?? 1) - 1);
    }
  }

  private reportFailure(sink: AlertSink, event: PmEvent, reason: string): void {
    if (this.failing.has(sink.key)) return;
    this.failing.add(sink.key);
    this.deps.events.record({
      type: 'alert-failed',
      severity: 'warning',
      ...(event.app !== undefined && { app: event.app }),
      message: `alert "${event.type}" not delivered to ${sink.label}: ${reason}; further failures of this sink are not reported until it delivers again`,
      data: { sink: sink.label, event: event.type, reason },
    });
  }
}
