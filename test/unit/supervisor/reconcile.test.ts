// The diff of an apply, one row per case: what is created, restarted, started, resized and removed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppSpec } from '../../../src/protocol/app-spec.js';
import {
  type CurrentApp,
  keepPoolCounts,
  type ReconcilePlan,
  reconcile,
  resizeSlots,
} from '../../../src/supervisor/reconcile.js';
import { testSpec } from './fake-world.js';

const web = (instances: number, overrides: Partial<AppSpec> = {}) =>
  testSpec({ name: 'web', instances, ...overrides });
const api = (instances: number) => testSpec({ name: 'api', instances });
const held = (spec: AppSpec, indexes: number[]): [string, CurrentApp] => [spec.name, { spec, indexes }];
const empty: ReconcilePlan = { create: [], restart: [], start: [], resize: [], remove: [] };

const rows: Array<{
  name: string;
  current: Array<[string, CurrentApp]>;
  specs: AppSpec[];
  plan: ReconcilePlan;
}> = [
  { name: 'nothing held, nothing asked', current: [], specs: [], plan: empty },
  {
    name: 'a new app: every slot created',
    current: [],
    specs: [web(2)],
    plan: { ...empty, create: [{ spec: web(2), indexes: [0, 1] }] },
  },
  {
    name: 'a new app with no instances is still created',
    current: [],
    specs: [web(0)],
    plan: { ...empty, create: [{ spec: web(0), indexes: [] }] },
  },
  {
    name: 'the same definition: started',
    current: [held(web(2), [0, 1])],
    specs: [web(2)],
    plan: { ...empty, start: ['web'] },
  },
  {
    name: 'a changed definition: restarted',
    current: [held(web(1), [0])],
    specs: [web(1, { cwd: '/srv' })],
    plan: { ...empty, restart: ['web'] },
  },
  {
    name: 'only the count changed: a scale, the kept ones are started, not restarted',
    current: [held(web(1), [0])],
    specs: [web(3)],
    plan: {
      ...empty,
      start: ['web'],
      resize: [{ name: 'web', from: 1, to: 3 }],
      create: [{ spec: web(3), indexes: [1, 2] }],
    },
  },
  {
    name: 'growth fills the lowest free indexes first',
    current: [held(web(2), [0, 3])],
    specs: [web(4)],
    plan: {
      ...empty,
      start: ['web'],
      resize: [{ name: 'web', from: 2, to: 4 }],
      create: [{ spec: web(4), indexes: [1, 2] }],
    },
  },
  {
    name: 'shrinking removes the highest indexes, and a changed definition restarts the rest',
    current: [held(web(3), [0, 1, 2])],
    specs: [web(1, { cwd: '/srv' })],
    plan: {
      ...empty,
      restart: ['web'],
      resize: [{ name: 'web', from: 3, to: 1 }],
      remove: [{ name: 'web', indexes: [2, 1] }],
    },
  },
  {
    name: 'apps not named are left alone',
    current: [held(web(1), [0]), held(api(1), [0])],
    specs: [api(1)],
    plan: { ...empty, start: ['api'] },
  },
  {
    name: 'two definitions of one name: the last holds',
    current: [],
    specs: [web(1), web(2)],
    plan: { ...empty, create: [{ spec: web(2), indexes: [0, 1] }] },
  },
];

for (const row of rows) {
  test(`reconcile: ${row.name}`, () => {
    assert.deepEqual(reconcile(new Map(row.current), row.specs), row.plan);
  });
}

test('resizeSlots: a resize to the same count changes nothing', () => {
  assert.deepEqual(resizeSlots([0, 1], 2), { add: [], remove: [] });
});

const pool = { minSize: 1, maxSize: 4, idleTimeoutMs: 60_000, targetCpuPercent: 70, cooldownMs: 5_000 };

test('a pooled app applied again keeps the count the autoscaler reached, within the new bounds', () => {
  const current = new Map([held(web(3, { pool }), [0, 1, 2])]);
  assert.equal(keepPoolCounts(current, [web(1, { pool })])[0]?.instances, 3);
  assert.equal(keepPoolCounts(current, [web(1, { pool: { ...pool, maxSize: 2 } })])[0]?.instances, 2);
  assert.equal(
    keepPoolCounts(current, [web(5, { pool: { ...pool, minSize: 5, maxSize: 6 } })])[0]?.instances,
    5,
  );
  assert.equal(keepPoolCounts(current, [web(1)])[0]?.instances, 1, 'a fixed count is the count');
  assert.equal(keepPoolCounts(new Map(), [web(1, { pool })])[0]?.instances, 1, 'a new pool starts min_size');
});

test('new pool bounds alone restart nothing', () => {
  const current = new Map([held(web(2, { pool }), [0, 1])]);
  const plan = reconcile(current, [web(2, { pool: { ...pool, maxSize: 9, targetCpuPercent: 50 } })]);
  assert.deepEqual(plan, { ...empty, start: ['web'] });
});
