import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlertDispatcher } from '../../../src/alerts/alert-dispatcher.js';
import type { AlertSink } from '../../../src/alerts/alert-sink.js';
import type { AlertingSpec } from '../../../src/protocol/app-spec.js';
import type { PmEvent, PmEventInput } from '../../../src/protocol/events.js';

/** An event log in memory: record() stamps and publishes like the real one. */
class MemoryLog {
  readonly recorded: PmEvent[] = [];
  private readonly listeners = new Set<(event: PmEvent) => void>();
  subscribe(listener: (event: PmEvent) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  record(input: PmEventInput) {
    const event = { ts: 0, ...input };
    this.recorded.push(event);
    for (const listener of this.listeners) listener(event);
  }
}

/** A sink that records what it was sent and answers as told. */
class FakeSink implements AlertSink {
  readonly sent: PmEvent[] = [];
  outcome: () => Promise<void> = () => Promise.resolve();
  constructor(
    readonly key: string,
    readonly label = key,
  ) {}
  send(event: PmEvent) {
    this.sent.push(event);
    return this.outcome();
  }
}

function setup(alerting: Record<string, AlertingSpec>) {
  const log = new MemoryLog();
  const sinks = new Map<string, FakeSink>();
  const sinkFor = (key: string) => sinks.get(key) ?? sinks.set(key, new FakeSink(key)).get(key)!;
  const dispatcher = new AlertDispatcher({
    events: log,
    alertingFor: (event) =>
      Object.entries(alerting)
        .filter(([app]) => event.app === undefined || event.app === app)
        .map(([, spec]) => spec),
    createSinks: (spec) => [
      ...(spec.webhook ? [sinkFor(`webhook:${spec.webhook}`)] : []),
      ...(spec.command ? [sinkFor(`command:${spec.command}`)] : []),
    ],
    maxPendingPerSink: 2,
  });
  dispatcher.start();
  return { log, sinks, dispatcher, sink: sinkFor };
}

const crash = (app: string): PmEventInput => ({
  type: 'errored',
  severity: 'alert',
  app,
  index: 0,
  message: 'errored: crash-loop',
});

const settle = () => new Promise((resolve) => setImmediate(resolve));

test('an alert goes to the sinks of its app only; info and warning events go nowhere', async () => {
  const { log, sink } = setup({ web: { webhook: 'http://hook/web' }, worker: { command: 'notify' } });
  log.record(crash('web'));
  log.record({ type: 'started', severity: 'info', app: 'web', message: 'started' });
  log.record({ type: 'exited', severity: 'warning', app: 'web', message: 'exited' });
  await settle();
  assert.deepEqual(
    sink('webhook:http://hook/web').sent.map((e) => e.type),
    ['errored'],
  );
  assert.equal(sink('command:notify').sent.length, 0);
});

test('a daemon-wide alert goes to every configured sink once, even when apps share one', async () => {
  const { log, sink } = setup({
    a: { webhook: 'http://hook' },
    b: { webhook: 'http://hook', command: 'notify' },
  });
  log.record({ type: 'daemon-started', severity: 'alert', message: 'adopted 3 apps after a crash' });
  await settle();
  assert.equal(sink('webhook:http://hook').sent.length, 1);
  assert.equal(sink('command:notify').sent.length, 1);
});

test('a failing sink is reported once with a warning, not for each alert, and again only after it recovered', async () => {
  const { log, sink } = setup({ web: { webhook: 'http://hook' } });
  const hook = sink('webhook:http://hook');
  hook.outcome = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:9'));
  for (let i = 0; i < 5; i++) {
    log.record(crash('web'));
    await settle();
  }
  const failures = () => log.recorded.filter((e) => e.type === 'alert-failed');
  assert.equal(hook.sent.length, 5);
  assert.equal(failures().length, 1);
  assert.equal(failures()[0]?.severity, 'warning');
  assert.match(failures()[0]!.message, /not delivered to webhook:http:\/\/hook: connect ECONNREFUSED/);
  hook.outcome = () => Promise.resolve();
  log.record(crash('web'));
  await settle();
  hook.outcome = () => Promise.reject(new Error('HTTP 500'));
  log.record(crash('web'));
  await settle();
  assert.equal(failures().length, 2);
  assert.equal(hook.sent.length, 7, 'alert-failed events themselves are not sent');
});

test('alerts beyond the pending limit of a stuck sink are dropped and reported once; delivery never blocks', async () => {
  const { log, sink } = setup({ web: { webhook: 'http://slow' } });
  const slow = sink('webhook:http://slow');
  slow.outcome = () => new Promise(() => {});
  for (let i = 0; i < 5; i++) log.record(crash('web'));
  await settle();
  assert.equal(slow.sent.length, 2);
  const failures = log.recorded.filter((e) => e.type === 'alert-failed');
  assert.equal(failures.length, 1);
  assert.match(failures[0]!.message, /2 alerts already waiting/);
});

test('after stop the dispatcher no longer sends', async () => {
  const { log, sink, dispatcher } = setup({ web: { command: 'notify' } });
  dispatcher.stop();
  log.record(crash('web'));
  await settle();
  assert.equal(sink('command:notify').sent.length, 0);
});
