// The daemon-wide settings: an apply changes only what it names, a port that cannot be bound
// changes nothing, and a port lost at start is reported without stopping the daemon.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SettingsControl } from '../../../src/daemon/settings-control.js';
import type { Monitor } from '../../../src/metrics/monitor.js';
import type { PrometheusEndpoint } from '../../../src/metrics/prometheus-endpoint.js';
import type { DaemonSettingsChange } from '../../../src/protocol/daemon-settings.js';
import { PmError } from '../../../src/protocol/errors.js';
import type { PmEventInput } from '../../../src/protocol/events.js';

function setup(applied: DaemonSettingsChange = {}, busyPorts: number[] = []) {
  const endpoint = {
    port: null as number | null,
    moveTo: async (port: number | null) => {
      if (port !== null && busyPorts.includes(port)) {
        throw Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
      }
      endpoint.port = port;
    },
    close: () => {
      endpoint.port = null;
    },
  };
  const monitor = { intervals: [] as number[], setIntervalMs: (ms: number) => monitor.intervals.push(ms) };
  const events: PmEventInput[] = [];
  let writes = 0;
  const control = new SettingsControl({
    defaults: { metricsIntervalMs: 1000, prometheusPort: null },
    applied,
    monitor: monitor as unknown as Monitor,
    endpoint: endpoint as unknown as PrometheusEndpoint,
    events: { record: (event) => events.push(event) },
    log: () => {},
    onChange: () => {
      writes += 1;
    },
  });
  return { control, endpoint, monitor, events, writes: () => writes };
}

test('an apply changes what it names, keeps only that for the state file, and records what changed', async () => {
  const { control, endpoint, monitor, events, writes } = setup();
  await control.apply({ prometheusPort: 9209 });
  assert.equal(endpoint.port, 9209);
  assert.deepEqual(monitor.intervals, [], 'the interval was not named');
  assert.deepEqual(control.current(), { metricsIntervalMs: 1000, prometheusPort: 9209 });
  assert.deepEqual(control.snapshot(), { prometheusPort: 9209 });
  await control.apply({ metricsIntervalMs: 200, prometheusPort: 9300 });
  assert.deepEqual(monitor.intervals, [200]);
  assert.equal(endpoint.port, 9300);
  assert.equal(writes(), 2);
  assert.deepEqual(
    events.map((e) => [e.type, e.message]),
    [
      ['settings-changed', 'settings changed: prometheus off → 127.0.0.1:9209'],
      [
        'settings-changed',
        'settings changed: metrics interval 1000 ms → 200 ms, prometheus 127.0.0.1:9209 → 127.0.0.1:9300',
      ],
    ],
  );
  await control.apply({ metricsIntervalMs: 200, prometheusPort: 9300 });
  assert.equal(events.length, 2, 'the same settings again change nothing');
  assert.equal(writes(), 2);
  await control.apply({ prometheusPort: null });
  assert.equal(endpoint.port, null);
});

test('a port in use refuses the whole apply with a conflict, and nothing changes', async () => {
  const { control, endpoint, monitor, events } = setup({}, [9300]);
  await control.apply({ prometheusPort: 9209 });
  await assert.rejects(
    control.apply({ metricsIntervalMs: 200, prometheusPort: 9300 }),
    (error) =>
      error instanceof PmError &&
      error.code === 'conflict' &&
      /^cannot serve Prometheus metrics on 127\.0\.0\.1:9300: the port is in use \(EADDRINUSE\); nothing was changed/.test(
        error.message,
      ),
  );
  assert.equal(endpoint.port, 9209, 'the old endpoint still serves');
  assert.deepEqual(monitor.intervals, []);
  assert.deepEqual(control.snapshot(), { prometheusPort: 9209 });
  assert.equal(events.length, 1);
});

test('settings read back from the state file win over the defaults; a lost port is reported and the daemon runs on', async () => {
  const { control, endpoint, events } = setup({ metricsIntervalMs: 250, prometheusPort: 9209 }, [9209]);
  assert.deepEqual(control.current(), { metricsIntervalMs: 250, prometheusPort: 9209 });
  await control.start();
  assert.equal(endpoint.port, null);
  assert.match(control.prometheusError ?? '', /127\.0\.0\.1:9209: the port is in use/);
  assert.deepEqual(
    events.map((e) => [e.type, e.severity]),
    [['prometheus-failed', 'warning']],
  );
  await control.apply({ prometheusPort: null });
  assert.equal(control.prometheusError, null, 'no port, no error');
});
