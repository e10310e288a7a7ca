// Keys that load but that nothing acts on: the file stays valid, and the load says so in one
// warning line per section, placed where the key is written.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { load, removeConfigs, writeConfig } from './temp-config.js';

afterEach(removeConfigs);

const warnings = (yaml: string) => {
  const file = writeConfig(yaml);
  return load(file).warnings.map((line) => line.replace(`${file}:`, 'pm.yaml:'));
};

test('the autoscaling keys of a pool are acted on: no warning, and the pool starts min_size instances', () => {
  const yaml = `apps:
  - name: worker
    script: server.js
    pool: { min_size: 2, max_size: 4, idle_timeout: 5m, target_cpu: 80, cooldown: 10s }
`;
  assert.deepEqual(warnings(yaml), []);
  const pool = load(writeConfig(yaml)).apps[0];
  assert.equal(pool?.instances, 2, 'the pool starts min_size instances');
  assert.deepEqual(pool?.pool, {
    minSize: 2,
    maxSize: 4,
    idleTimeoutMs: 300_000,
    targetCpuPercent: 80,
    cooldownMs: 10_000,
  });
});

test("process_management.pool is the pool of every app without instances: (the design note's YAML)", () => {
  const yaml = `process_management:
  pool:
    min_size: 5
    max_size: 50
    idle_timeout: 300s
  monitoring:
    health_check_interval: 30s
    metrics_collection: true
    alerting: true
apps:
  - { name: a, script: server.js }
  - { name: b, script: server.js, instances: 2 }
`;
  assert.deepEqual(warnings(yaml), []);
  const [a, b] = load(writeConfig(yaml)).apps;
  assert.deepEqual(
    [a?.instances, a?.pool?.minSize, a?.pool?.maxSize, a?.pool?.idleTimeoutMs],
    [5, 5, 50, 300_000],
  );
  assert.deepEqual([b?.instances, b?.pool], [2, undefined], 'instances: keeps a fixed count');
});

test('a pool that no sample will scale warns: metrics_collection false, or metrics_interval 0 (once)', () => {
  const own = `apps:\n  - { name: web, script: server.js, pool: { max_size: 4 }, monitoring: { metrics_collection: false } }\n`;
  assert.match(
    warnings(own)[0]!,
    /apps\[0\]\.pool: accepted but not acted on: the pool scales on metrics samples, and metrics_collection is false for this app/,
  );
  const off = `process_management:
  monitoring: { metrics_interval: 0 }
  pool: { max_size: 4 }
apps:
  - { name: a, script: server.js }
  - { name: b, script: server.js }
`;
  const found = warnings(off);
  assert.equal(found.length, 1, found.join('\n'));
  assert.match(found[0]!, /process_management\.pool: .*metrics_interval is 0/);
});

test('max_memory warns when no sample will be taken for it: metrics_collection false, or metrics_interval 0', () => {
  const app = (extra: string) =>
    `  - name: web\n    script: server.js\n    limits: { max_memory: 300M }\n${extra}`;
  assert.deepEqual(warnings(`apps:\n${app('    monitoring: { metrics_collection: false }\n')}`), [
    'pm.yaml:4:27: apps[0].limits.max_memory: accepted but not acted on: the limit is checked on metrics samples, and metrics_collection is false for this app',
  ]);
  const off = `process_management:\n  monitoring: { metrics_interval: 0 }\napps:\n${app('')}`;
  assert.deepEqual(warnings(off), [
    'pm.yaml:6:27: apps[0].limits.max_memory: accepted but not acted on: the limit is checked on metrics samples, and process_management.monitoring.metrics_interval is 0 (no sampling)',
  ]);
  const sampled = `process_management:\n  monitoring: { metrics_collection: false }\napps:\n${app('    monitoring: { metrics_collection: true }\n')}`;
  assert.deepEqual(warnings(sampled), [], 'the app turns sampling back on for itself');
});
