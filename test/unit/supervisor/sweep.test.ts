// The orphan sweep as a table: which processes of the home a new daemon adopts into a slot, which
// it leaves to the recorded run, and which it stops.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InstanceRecord, PoolSnapshot } from '../../../src/supervisor/records.js';
import { type FoundProcess, planSweep } from '../../../src/supervisor/sweep.js';
import { testSpec } from './fake-world.js';

const NOW = 9_000;
const record = (overrides: Partial<InstanceRecord> = {}): InstanceRecord => ({
  id: 0,
  index: 0,
  status: 'online',
  pid: 100,
  pidStartTime: 1_000,
  startedAt: 5_000,
  restarts: 0,
  lastExit: null,
  runId: 'r1',
  ...overrides,
});
const snapshot = (...instances: InstanceRecord[]): PoolSnapshot => ({
  nextId: 5,
  apps: [{ spec: testSpec(), instances }],
});
/** A main process leads its session; a descendant does not. */
const main = (pid: number, run: string, startTime = pid * 10, id = 0): FoundProcess => ({
  pid,
  startTime,
  session: pid,
  id,
  run,
});
const child = (pid: number, run: string, id = 0): FoundProcess => ({
  pid,
  startTime: pid * 10,
  session: 1,
  id,
  run,
});
const alive =
  (...live: Array<[number, number]>) =>
  (pid: number) =>
    new Map(live).get(pid) ?? null;

test('nothing found: the snapshot as it is', () => {
  const s = snapshot(record());
  assert.deepEqual(planSweep(s, [], alive([100, 1_000]), NOW), { snapshot: s, adopted: 0, stop: [] });
});

test('the recorded run lives: its processes, escaped or not, are left to it', () => {
  const s = snapshot(record());
  const plan = planSweep(
    s,
    [main(100, 'r1', 1_000), child(101, 'r1'), main(102, 'r1')],
    alive([100, 1_000]),
    NOW,
  );
  assert.deepEqual(plan, { snapshot: s, adopted: 0, stop: [] });
});

test('a run forked before the crash and never recorded is adopted into its slot, with its tree', () => {
  const s = snapshot(record({ status: 'starting', pid: null, pidStartTime: null, runId: undefined }));
  const plan = planSweep(s, [main(200, 'r2'), child(201, 'r2')], alive(), NOW);
  assert.equal(plan.adopted, 1);
  assert.deepEqual(plan.stop, []);
  assert.deepEqual(plan.snapshot.apps[0]!.instances[0], {
    ...record(),
    status: 'online',
    pid: 200,
    pidStartTime: 2_000,
    startedAt: NOW,
    runId: 'r2',
  });
});

test('leftovers of the recorded, dead run are stopped; the newest unrecorded run is adopted, older ones stopped', () => {
  const s = snapshot(record({ status: 'stopping', after: 'restart' }));
  const found = [child(150, 'r1'), main(300, 'r3', 3_000), child(301, 'r3'), main(400, 'r4', 4_000)];
  const plan = planSweep(s, found, alive(), NOW);
  assert.equal(plan.adopted, 1);
  assert.deepEqual(plan.stop.sort(), [150, 300, 301]);
  const adopted = plan.snapshot.apps[0]!.instances[0]!;
  assert.equal(adopted.pid, 400);
  assert.equal(adopted.after, undefined, 'the stop in progress was for the old run');
});

test('a pid reused by another process does not make the recorded run live', () => {
  const s = snapshot(record());
  const plan = planSweep(s, [child(150, 'r1')], alive([100, 77]), NOW);
  assert.deepEqual(plan.stop, [150]);
  assert.equal(plan.adopted, 0);
});

test('processes of ids the state does not hold are stopped', () => {
  const plan = planSweep(snapshot(record()), [main(500, 'x', 5_000, 42)], alive([100, 1_000]), NOW);
  assert.deepEqual(plan.stop, [500]);
});

test('with no state at all, every process found is stopped', () => {
  const plan = planSweep({ nextId: 0, apps: [] }, [main(600, 'x'), child(601, 'x')], alive(), NOW);
  assert.deepEqual(plan.stop, [600, 601]);
});
