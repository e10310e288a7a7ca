import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectMetrics } from '../../../src/metrics/collect-metrics.js';
import { formatPrometheus } from '../../../src/metrics/prometheus-text.js';
import type { ProcessInfo } from '../../../src/protocol/process-info.js';
import { assertValidExposition, parseExposition } from '../../helpers/prometheus.js';

function info(overrides: Partial<ProcessInfo>): ProcessInfo {
  return {
    id: 0,
    name: 'web',
    index: 0,
    pid: 100,
    status: 'online',
    reason: '',
    health: 'healthy',
    restarts: 2,
    startedAt: 10_000,
    cpuPercent: 12.5,
    memoryBytes: 4096,
    openFds: 9,
    lastExit: null,
    restartAt: null,
    outLog: '',
    errLog: '',
    ...overrides,
  };
}

/** An instance with no process: no pid, no start time, no usage figures. */
const notRunning = (overrides: Partial<ProcessInfo>) =>
  info({ pid: null, startedAt: null, cpuPercent: null, memoryBytes: null, ...overrides });

const daemon = { pid: 1, startedAt: 0, cpuPercent: 0.25, memoryBytes: 50_000_000 };

test('every line is a HELP or TYPE comment or a valid sample, and each family is declared before its samples', () => {
  const text = formatPrometheus(
    collectMetrics([info({}), notRunning({ id: 1, index: 1, status: 'errored' })], daemon, 70_000),
  );
  assertValidExposition(text);
});

test('per instance: cpu, memory, restarts, uptime, one-hot state and health, labelled with name, index and id', () => {
  const samples = parseExposition(
    formatPrometheus(
      collectMetrics([info({}), notRunning({ id: 3, index: 1, status: 'stopped' })], daemon, 70_000),
    ),
  );
  const value = (name: string, labels: Record<string, string>) =>
    samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      ?.value;
  const web0 = { name: 'web', index: '0', id: '0' };
  assert.equal(value('pm_instance_cpu_percent', web0), 12.5);
  assert.equal(value('pm_instance_memory_bytes', web0), 4096);
  assert.equal(value('pm_instance_restarts_total', web0), 2);
  assert.equal(value('pm_instance_uptime_seconds', web0), 60);
  assert.equal(value('pm_instance_state', { ...web0, state: 'online' }), 1);
  assert.equal(value('pm_instance_state', { ...web0, state: 'errored' }), 0);
  assert.equal(value('pm_instance_health', { ...web0, health: 'healthy' }), 1);
  const web1 = { name: 'web', index: '1', id: '3' };
  assert.equal(
    value('pm_instance_cpu_percent', web1),
    undefined,
    'no cpu sample for an instance that is not running',
  );
  assert.equal(value('pm_instance_uptime_seconds', web1), 0);
  assert.equal(value('pm_instance_state', { ...web1, state: 'stopped' }), 1);
  assert.equal(value('pm_daemon_cpu_percent', {}), 0.25);
  assert.equal(value('pm_daemon_memory_bytes', {}), 50_000_000);
  assert.equal(value('pm_daemon_uptime_seconds', {}), 70);
});

test('label values with quotes, backslashes and newlines are escaped', () => {
  const text = formatPrometheus([
    { name: 'x', help: 'a\\b\nc', type: 'gauge', samples: [{ labels: { name: 'a"b\\c\nd' }, value: 1 }] },
  ]);
  assert.equal(text, '# HELP x a\\\\b\\nc\n# TYPE x gauge\nx{name="a\\"b\\\\c\\nd"} 1\n');
  assertValidExposition(text);
  assert.equal(parseExposition(text)[0]?.labels.name, 'a"b\\c\nd');
});
