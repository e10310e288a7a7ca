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

test("an app's pool warns about the autoscaling keys it sets, at the first of them", () => {
  const yaml = `apps:
  - name: worker
    script: server.js
    pool:
      min_size: 2
      max_size: 4
      idle_timeout: 5m
`;
  assert.deepEqual(warnings(yaml), [
    'pm.yaml:6:17: apps[0].pool: max_size and idle_timeout are accepted but not acted on yet: pm does not autoscale, a pool runs min_size instances',
  ]);
  assert.equal(load(writeConfig(yaml)).apps[0]?.instances, 2, 'the pool still runs min_size instances');
});

test('process_management.pool warns once, with every autoscaling key it sets, whatever the apps', () => {
  const yaml = `process_management:
  pool: { min_size: 1, max_size: 8, idle_timeout: 1m, target_cpu: 80, cooldown: 10s }
apps:
  - { name: a, script: server.js }
  - { name: b, script: server.js }
`;
  assert.deepEqual(warnings(yaml), [
    'pm.yaml:2:34: process_management.pool: max_size, idle_timeout, target_cpu and cooldown are accepted but not acted on yet: pm does not autoscale, a pool runs min_size instances',
  ]);
});

test('one autoscaling key is told in the singular; min_size alone and instances: warn about nothing', () => {
  const one = `apps:\n  - { name: web, script: server.js, pool: { cooldown: 5s } }\n`;
  assert.match(warnings(one)[0]!, /apps\[0\]\.pool: cooldown is accepted but not acted on yet/);
  assert.deepEqual(warnings(`apps:\n  - { name: web, script: server.js, pool: { min_size: 3 } }\n`), []);
  assert.deepEqual(warnings(`apps:\n  - { name: web, script: server.js, instances: 2 }\n`), []);
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
