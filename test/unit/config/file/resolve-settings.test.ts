// The daemon-wide keys of process_management.monitoring: read into the settings change a config
// applies (only the keys written), refused in an app with where they go, and checked for range.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { errorAt, load, removeConfigs, writeConfig } from './temp-config.js';

afterEach(removeConfigs);

const shared = (monitoring: string) =>
  `process_management:\n  monitoring:\n${monitoring}apps:\n  - name: web\n    script: server.js\n`;

test('metrics_interval and prometheus.port in process_management.monitoring become daemon settings', () => {
  const file = writeConfig(
    shared('    metrics_collection: false\n    metrics_interval: 200ms\n    prometheus: { port: 9209 }\n'),
  );
  const { apps, settings } = load(file);
  assert.deepEqual(settings, { metricsIntervalMs: 200, prometheusPort: 9209 });
  assert.equal(apps[0]?.monitoring.metricsCollection, false, 'the per-app keys still apply to every app');
});

test('a file that sets no daemon-wide key changes no setting; prometheus: false and 0 turn them off', () => {
  assert.deepEqual(load(writeConfig(shared('    alerting: true\n'))).settings, {});
  assert.deepEqual(load(writeConfig(shared('    metrics_interval: 0\n    prometheus: false\n'))).settings, {
    metricsIntervalMs: 0,
    prometheusPort: null,
  });
  assert.deepEqual(load(writeConfig(shared('    prometheus:\n      port: 1\n'))).settings, {
    prometheusPort: 1,
  });
});

test("the daemon-wide keys in an app's monitoring are refused, saying where they belong", () => {
  const file = writeConfig(
    'apps:\n  - name: web\n    script: server.js\n    monitoring:\n      metrics_interval: 1s\n      prometheus: { port: 9209 }\n',
  );
  assert.equal(
    errorAt(file, 'apps[0].monitoring.metrics_interval'),
    `${file}:5:7: apps[0].monitoring.metrics_interval: found "metrics_interval" here, expected it in process_management.monitoring (one daemon-wide setting for every app)`,
  );
  assert.match(
    errorAt(file, 'apps[0].monitoring.prometheus'),
    /:6:7: apps\[0\]\.monitoring\.prometheus: found "prometheus" here, expected it in process_management\.monitoring /,
  );
});

test('a prometheus port outside 1..65535, or not a number, is refused with its place', () => {
  for (const port of ['0', '70000', '"abc"', '-1', '80.5']) {
    const file = writeConfig(shared(`    prometheus: { port: ${port} }\n`));
    assert.match(
      errorAt(file, 'process_management.monitoring.prometheus.port'),
      /:3:25: .*found .*, expected a whole number from 1 to 65535$/,
      port,
    );
  }
});

test('prometheus: true, an empty prometheus: and one without a port name what is expected', () => {
  const expected = 'expected a map with the keys port, or false';
  assert.match(
    errorAt(writeConfig(shared('    prometheus: true\n')), 'process_management.monitoring.prometheus'),
    new RegExp(`:3:17: .*found true, ${expected}$`),
  );
  assert.match(
    errorAt(writeConfig(shared('    prometheus:\n')), 'process_management.monitoring.prometheus'),
    new RegExp(`found nothing, ${expected}$`),
  );
  assert.match(
    errorAt(writeConfig(shared('    prometheus: {}\n')), 'process_management.monitoring.prometheus.port'),
    /missing, expected a whole number from 1 to 65535$/,
  );
  assert.match(
    errorAt(
      writeConfig(shared('    prometheus: { port: 9209, host: 0.0.0.0 }\n')),
      'process_management.monitoring.prometheus.host',
    ),
    /found unknown key "host", expected one of port$/,
  );
});

test('a bad metrics_interval is refused: not a duration, negative, or under 100ms', () => {
  const at = 'process_management.monitoring.metrics_interval';
  assert.match(
    errorAt(writeConfig(shared('    metrics_interval: soon\n')), at),
    /:3:23: .*found "soon", expected a duration such as 500ms/,
  );
  assert.match(
    errorAt(writeConfig(shared('    metrics_interval: -1s\n')), at),
    /found "-1s", expected a duration/,
  );
  assert.match(
    errorAt(writeConfig(shared('    metrics_interval: 1\n')), at),
    /:3:23: .*found 1ms, expected 0 \(no sampling\) or at least 100ms \(a plain number is milliseconds: write 1s\)$/,
  );
});
