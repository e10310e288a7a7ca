// pool.queue: read into a QueueSpec (in an app and in process_management.pool), and each bad value
// refused with its own line.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { errorAt, load, removeConfigs, writeConfig } from './temp-config.js';

afterEach(removeConfigs);

const app = (pool: string) => `apps:\n  - name: web\n    script: server.js\n    pool: ${pool}\n`;

test('an exec queue reads with its interval, the timeout left to its default', () => {
  const file = writeConfig(
    app('{ max_size: 4, queue: { exec: "redis-cli llen jobs", per_instance: 10, interval: 2s } }'),
  );
  assert.deepEqual(load(file).apps[0]?.pool?.queue, {
    check: { type: 'exec', command: 'redis-cli llen jobs' },
    perInstance: 10,
    intervalMs: 2_000,
  });
});

test('an http queue under process_management.pool, with the default interval and a timeout', () => {
  const file = writeConfig(
    'process_management:\n  pool:\n    queue: { http: "http://127.0.0.1:3000/queue", per_instance: 5, timeout: 1s }\n' +
      'apps:\n  - name: web\n    script: server.js\n',
  );
  assert.deepEqual(load(file).apps[0]?.pool?.queue, {
    check: { type: 'http', url: 'http://127.0.0.1:3000/queue' },
    perInstance: 5,
    intervalMs: 5_000,
    timeoutMs: 1_000,
  });
});

test('bad queue values: both probes, no per_instance, a file URL, a zero per_instance, a too short interval', () => {
  const both = writeConfig(app('{ queue: { exec: "x", http: "http://a", per_instance: 1 } }'));
  assert.match(errorAt(both, 'apps[0].pool.queue.http'), /found both exec and http, expected only one$/);
  const missing = writeConfig(app('{ queue: { exec: "x" } }'));
  assert.match(errorAt(missing, 'apps[0].pool.queue.per_instance'), /missing, expected a whole number/);
  const file = writeConfig(app('{ queue: { http: "file:///etc/passwd", per_instance: 1 } }'));
  assert.match(errorAt(file, 'apps[0].pool.queue.http'), /expected an http:\/\/ or https:\/\/ URL$/);
  const zero = writeConfig(app('{ queue: { exec: "x", per_instance: 0 } }'));
  assert.match(errorAt(zero, 'apps[0].pool.queue.per_instance'), /found 0, expected a whole number from 1/);
  const fast = writeConfig(app('{ queue: { exec: "x", per_instance: 1, interval: 10ms } }'));
  assert.match(errorAt(fast, 'apps[0].pool.queue.interval'), /expected a duration of at least 100ms/);
});
