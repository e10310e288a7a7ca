// The state file keeps each distinct app environment once, and gives every app its own back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packEnvs, StateText, unpackEnvs } from '../../../src/daemon/state-envs.js';
import { checkSnapshot, type PoolSnapshot } from '../../../src/supervisor/records.js';
import { testSpec } from '../supervisor/fake-world.js';

const shell = { PATH: '/usr/bin', HOME: '/root', SECRET: 'x'.repeat(1000) };
const pool: PoolSnapshot = {
  nextId: 3,
  apps: [
    { spec: testSpec({ name: 'a', baseEnv: shell }), instances: [] },
    { spec: testSpec({ name: 'b', baseEnv: { ...shell } }), instances: [] },
    { spec: testSpec({ name: 'c', baseEnv: { PATH: '/bin' } }), instances: [] },
  ],
};

test('one copy of each distinct environment, and the same pool back', () => {
  const packed = packEnvs(pool);
  assert.equal(packed.envs.length, 2);
  assert.deepEqual(
    packed.apps.map((app) => app.env),
    [0, 0, 1],
  );
  assert.ok(JSON.stringify(packed).length < JSON.stringify(pool).length - 900);
  const back = checkSnapshot(unpackEnvs(JSON.parse(JSON.stringify(packed))));
  assert.deepEqual(back.problems, []);
  assert.deepEqual(back.snapshot, pool);
});

test('an environment index that points nowhere is refused by the check, app by app', () => {
  const packed = JSON.parse(JSON.stringify(packEnvs(pool)));
  packed.apps[2].env = 7;
  const checked = checkSnapshot(unpackEnvs(packed));
  assert.deepEqual(
    checked.snapshot.apps.map((app) => app.spec.name),
    ['a', 'b'],
  );
  assert.match(checked.problems[0]!, /^pool\.apps\[2\]\.spec\.baseEnv: expected an object/);
});

test('the state text is the JSON of the packed pool, and stays so when an app is redefined', () => {
  const text = new StateText();
  const settings = { metricsIntervalMs: 2000 };
  const expected = (p: PoolSnapshot) => ({ version: 2, pool: packEnvs(p), settings, journalSeq: 4 });
  assert.deepEqual(JSON.parse(text.of(2, pool, settings, 4)), expected(pool));
  const redefined: PoolSnapshot = {
    ...pool,
    apps: [{ ...pool.apps[0]!, spec: { ...pool.apps[0]!.spec, instances: 3 } }, ...pool.apps.slice(1)],
  };
  assert.deepEqual(JSON.parse(text.of(2, redefined, settings, 4)), expected(redefined));
  assert.equal(text.of(2, pool, settings, 4), JSON.stringify(expected(pool)));
});

test("the instances' records are in the text as JSON.stringify writes them, a changed one as it is now", () => {
  const text = new StateText();
  const record = (id: number, restarts: number) => ({
    id,
    index: id,
    status: 'online' as const,
    pid: 100 + id,
    pidStartTime: 5,
    startedAt: 1,
    restarts,
    lastExit: null,
    runId: `run-${id}`,
  });
  const kept = record(1, 0);
  const withRecords = (second: ReturnType<typeof record>): PoolSnapshot => ({
    nextId: 3,
    apps: [{ spec: testSpec({ name: 'a', baseEnv: shell }), instances: [kept, second] }],
  });
  const before = withRecords(record(2, 0));
  assert.equal(
    text.of(2, before, {}, 0),
    JSON.stringify({ version: 2, pool: packEnvs(before), settings: {}, journalSeq: 0 }),
  );
  const after = withRecords(record(2, 1));
  assert.equal(
    text.of(2, after, {}, 0),
    JSON.stringify({ version: 2, pool: packEnvs(after), settings: {}, journalSeq: 0 }),
  );
});
