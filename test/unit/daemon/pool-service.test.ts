// The pool as a daemon service: restored at start, and at the end stopped (shutdown) or let go of
// (detach), with the state file written after either and the event log told which.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PoolService, type PoolServiceDeps } from '../../../src/daemon/pool-service.js';
import type { PmEventInput } from '../../../src/protocol/events.js';
import type { PoolSnapshot } from '../../../src/supervisor/records.js';

function setup(saved: PoolSnapshot | null) {
  const calls: string[] = [];
  const events: PmEventInput[] = [];
  const pool = {
    instanceCount: 3,
    restore: () => {
      calls.push('restore');
      return { adopted: 2, started: 1 };
    },
    stopAll: async () => {
      calls.push('stop apps');
      return 3;
    },
    detach: async () => {
      calls.push('let go of apps');
      return 3;
    },
    on: () => calls.push('follow changes'),
  };
  const service = new PoolService({
    pool: pool as unknown as PoolServiceDeps['pool'],
    store: {
      schedule: () => calls.push('schedule write'),
      save: async () => calls.push('write state') > 0,
      close: () => {},
    },
    events: { record: (event) => events.push(event) },
    saved,
    log: () => {},
    notify: () => {},
    sweepPipes: () => calls.push('sweep pipes') * 0,
    sweep: { find: async () => [], liveStartTime: () => null, stop: (pids) => calls.push(`stop ${pids}`) },
  });
  return { calls, events, service };
}

test('a restored pool starts with an alert that counts what was adopted and started', async () => {
  const { calls, events, service } = setup({ nextId: 4, apps: [] });
  await service.start();
  assert.deepEqual(calls, ['restore', 'sweep pipes', 'follow changes', 'write state']);
  assert.equal(events[0]?.type, 'daemon-started');
  assert.equal(events[0]?.severity, 'alert');
  assert.match(events[0]?.message ?? '', /restored 3 instances: 2 adopted, 1 restarted$/);
});

test('a fresh home restores nothing and records a plain start', async () => {
  const { calls, events, service } = setup(null);
  await service.start();
  assert.deepEqual(calls, ['sweep pipes', 'follow changes', 'write state']);
  assert.deepEqual(
    events.map((e) => [e.type, e.severity]),
    [['daemon-started', 'info']],
  );
});

test('shutdown stops the apps and detach lets them go; both write the state and say so', async () => {
  const stopped = setup(null);
  await stopped.service.stop('shutdown');
  assert.deepEqual(stopped.calls, ['stop apps', 'write state']);
  assert.equal(stopped.events[0]?.message, 'daemon stopped (3 instances stopped)');
  assert.equal(stopped.service.endedInstances, 3);

  const detached = setup(null);
  await detached.service.stop('detach');
  assert.deepEqual(detached.calls, ['let go of apps', 'write state']);
  assert.deepEqual(detached.events[0]?.data, { pid: process.pid, instances: 3, detached: true });
  assert.equal(detached.service.endedInstances, 3);
});
