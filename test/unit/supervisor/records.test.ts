// What a new daemon does with each record of the state file, and the state file's runtime check.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InstanceEvent } from '../../../src/supervisor/process-state.js';
import { checkSnapshot, type InstanceRecord, planRestore } from '../../../src/supervisor/records.js';
import { testSpec } from './fake-world.js';

const NOW = 50_000;
const exit = { code: 1, signal: null, at: 40_000, uptimeMs: 10 };
const record = (overrides: Partial<InstanceRecord>): InstanceRecord => ({
  id: 0,
  index: 0,
  status: 'online',
  pid: 100,
  pidStartTime: 777,
  startedAt: 30_000,
  restarts: 2,
  lastExit: null,
  ...overrides,
});
const adopted: InstanceEvent = { type: 'adopted', pid: 100, startedAt: 30_000, startTime: 777 };
const staleRun = { pid: 100, pidStartTime: 777 };

const rows: Array<{
  name: string;
  record: InstanceRecord;
  live: number | null;
  plan: ReturnType<typeof planRestore>;
}> = [
  {
    name: 'same pid, same start time: adopted',
    record: record({}),
    live: 777,
    plan: { outcome: 'adopted', runs: 1, events: [adopted] },
  },
  {
    name: 'a paused run is adopted and stays paused',
    record: record({ status: 'paused' }),
    live: 777,
    plan: { outcome: 'adopted', runs: 1, events: [adopted, { type: 'pause' }] },
  },
  {
    name: 'a stop in progress goes on',
    record: record({ status: 'stopping', after: 'stopped' }),
    live: 777,
    plan: { outcome: 'adopted', runs: 1, events: [adopted, { type: 'stop' }] },
  },
  {
    name: 'a restart in progress goes on',
    record: record({ status: 'stopping', after: 'restart' }),
    live: 777,
    plan: { outcome: 'adopted', runs: 1, events: [adopted, { type: 'restart' }] },
  },
  {
    name: 'a reused pid (another start time): not adopted, its leftovers killed, started afresh',
    record: record({}),
    live: 555,
    plan: {
      outcome: 'started',
      runs: 1,
      events: [
        { type: 'restored', state: { status: 'stopped', lastExit: null }, staleRun, at: NOW },
        { type: 'start' },
      ],
    },
  },
  {
    name: 'gone while no daemon ran: started again',
    record: record({ status: 'starting' }),
    live: null,
    plan: {
      outcome: 'started',
      runs: 1,
      events: [
        { type: 'restored', state: { status: 'stopped', lastExit: null }, staleRun, at: NOW },
        { type: 'start' },
      ],
    },
  },
  {
    name: 'gone while stopping: it stays stopped',
    record: record({ status: 'stopping', after: 'stopped' }),
    live: null,
    plan: {
      outcome: 'kept',
      runs: 1,
      events: [{ type: 'restored', state: { status: 'stopped', lastExit: null }, staleRun, at: NOW }],
    },
  },
  {
    name: 'waiting to restart: started',
    record: record({ status: 'waiting-restart', pid: null, pidStartTime: null, lastExit: exit }),
    live: null,
    plan: {
      outcome: 'started',
      runs: 1,
      events: [
        { type: 'restored', state: { status: 'stopped', lastExit: exit }, staleRun: null, at: NOW },
        { type: 'start' },
      ],
    },
  },
  {
    name: 'never run: kept stopped, and its first run is not a restart',
    record: record({ status: 'stopped', pid: null, pidStartTime: null }),
    live: null,
    plan: {
      outcome: 'kept',
      runs: 0,
      events: [{ type: 'restored', state: { status: 'stopped', lastExit: null }, staleRun: null, at: NOW }],
    },
  },
  {
    name: 'errored keeps its reason and retry',
    record: record({
      status: 'errored',
      pid: null,
      pidStartTime: null,
      lastExit: exit,
      errored: { reason: 'crash-loop', detail: 'loop', retryAt: 60_000 },
    }),
    live: null,
    plan: {
      outcome: 'kept',
      runs: 1,
      events: [
        {
          type: 'restored',
          state: { status: 'errored', reason: 'crash-loop', detail: 'loop', retryAt: 60_000, lastExit: exit },
          staleRun: null,
          at: NOW,
        },
      ],
    },
  },
];

for (const row of rows) {
  test(`planRestore: ${row.name}`, () => {
    assert.deepEqual(planRestore(row.record, row.live, NOW), row.plan);
  });
}

const goodApp = { spec: testSpec(), instances: [record({})] };

test('checkSnapshot keeps what checks out and names each app that does not', () => {
  const bad = { spec: { ...testSpec({ name: 'api' }), instances: -1 }, instances: [] };
  const { snapshot, problems } = checkSnapshot({ nextId: 1, apps: [goodApp, bad] });
  assert.deepEqual(
    snapshot.apps.map((a) => a.spec.name),
    ['web'],
  );
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /^pool\.apps\[1\]\.spec\.instances: expected an integer/);
});

test('checkSnapshot refuses an app twice, an index twice, an id twice', () => {
  const twice = checkSnapshot({ nextId: 1, apps: [goodApp, goodApp] });
  assert.deepEqual(twice.problems, ['pool.apps[1]: a second app named "web"']);
  const index = checkSnapshot({
    nextId: 5,
    apps: [{ ...goodApp, instances: [record({}), record({ id: 1 })] }],
  });
  assert.deepEqual(index.problems, ['pool.apps[0]: an instance index appears twice']);
  const id = checkSnapshot({
    nextId: 5,
    apps: [goodApp, { spec: testSpec({ name: 'api' }), instances: [record({})] }],
  });
  assert.deepEqual(id.problems, ['pool.apps[1]: an instance id appears twice']);
});

test('checkSnapshot moves nextId past every kept id', () => {
  const { snapshot } = checkSnapshot({ nextId: 0, apps: [{ ...goodApp, instances: [record({ id: 9 })] }] });
  assert.equal(snapshot.nextId, 10);
});

test('checkSnapshot throws on a wrong shape', () => {
  assert.throws(() => checkSnapshot({ apps: 'x' }), /pool\.nextId: expected an integer/);
  assert.throws(() => checkSnapshot(null), /pool: expected an object, found null/);
});
