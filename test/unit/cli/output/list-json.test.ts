import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toListJson } from '../../../../src/cli/output/list-json.js';
import { NOW, processInfo } from './process-info-fixture.js';

// SPEC §2: an interface for scripts, which may only grow.
const PUBLIC_KEYS = ['name', 'index', 'pid', 'state', 'health', 'restarts', 'uptime_ms', 'cpu', 'memory'];

test('every public key of the list schema is present, for running and stopped instances', () => {
  const entries = toListJson(
    [processInfo(), processInfo({ pid: null, status: 'stopped', startedAt: null })],
    NOW,
  );
  for (const entry of entries) {
    for (const key of PUBLIC_KEYS) assert.ok(Object.hasOwn(entry, key), `missing ${key}`);
  }
});

test('a running instance maps to the public schema', () => {
  const [entry] = toListJson([processInfo()], NOW);
  assert.deepEqual(entry, {
    id: 0,
    name: 'web',
    index: 0,
    pid: 4242,
    state: 'online',
    health: 'healthy',
    restarts: 2,
    uptime_ms: 3_723_000,
    cpu: 1.5,
    memory: 52_428_800,
    reason: '',
    exit_code: null,
    exit_signal: null,
    out_log: '/home/u/.pm/logs/web-0.out.log',
    err_log: '/home/u/.pm/logs/web-0.err.log',
    instances: 1,
    pool_min: null,
    pool_max: null,
  });
});

test('an instance without a process has null pid, uptime, cpu and memory, and its last exit', () => {
  const [entry] = toListJson(
    [
      processInfo({
        pid: null,
        status: 'errored',
        reason: 'crash-loop: killed by SIGKILL',
        startedAt: null,
        cpuPercent: null,
        memoryBytes: null,
        lastExit: { code: null, signal: 'SIGKILL', at: NOW - 10, uptimeMs: 5 },
      }),
    ],
    NOW,
  );
  assert.equal(entry?.pid, null);
  assert.equal(entry?.uptime_ms, null);
  assert.equal(entry?.cpu, null);
  assert.equal(entry?.memory, null);
  assert.equal(entry?.state, 'errored');
  assert.equal(entry?.reason, 'crash-loop: killed by SIGKILL');
  assert.equal(entry?.exit_code, null);
  assert.equal(entry?.exit_signal, 'SIGKILL');
});

test('the entry serializes to JSON with every key, nulls included', () => {
  const [entry] = toListJson([processInfo({ pid: null, startedAt: null })], NOW);
  const parsed = JSON.parse(JSON.stringify(entry)) as Record<string, unknown>;
  for (const key of PUBLIC_KEYS) assert.ok(key in parsed, key);
  assert.equal(parsed.pid, null);
});

test('an uptime never goes below zero when the clocks disagree', () => {
  const [entry] = toListJson([processInfo({ startedAt: NOW + 500 })], NOW);
  assert.equal(entry?.uptime_ms, 0);
});

test('an app with no instance gets one entry: instances 0, state stopped, its instance fields null', () => {
  const entries = toListJson([processInfo(), processInfo({ id: 1, index: 1 })], NOW, ['idle']);
  assert.deepEqual(
    entries.map((e) => [e.name, e.index, e.instances]),
    [
      ['web', 0, 2],
      ['web', 1, 2],
      ['idle', null, 0],
    ],
  );
  assert.deepEqual(entries[2], {
    id: null,
    name: 'idle',
    index: null,
    pid: null,
    state: 'stopped',
    health: 'unknown',
    restarts: 0,
    uptime_ms: null,
    cpu: null,
    memory: null,
    reason: '',
    exit_code: null,
    exit_signal: null,
    out_log: null,
    err_log: null,
    instances: 0,
    pool_min: null,
    pool_max: null,
  });
});

test("a pooled app's entries carry its bounds, an app with a fixed count null", () => {
  const pools = new Map([['web', { minSize: 2, maxSize: 8 }]]);
  const entries = toListJson(
    [processInfo({ name: 'web' }), processInfo({ id: 1, name: 'api' })],
    NOW,
    ['idle'],
    new Map([...pools, ['idle', { minSize: 0, maxSize: 3 }]]),
  );
  assert.deepEqual(
    entries.map((e) => [e.name, e.pool_min, e.pool_max]),
    [
      ['web', 2, 8],
      ['api', null, null],
      ['idle', 0, 3],
    ],
  );
});
