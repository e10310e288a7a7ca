// depends_on conditions as a table, the stop order, and the pool holding an app back in a fake world.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stopOrder } from '../../../src/config/app-spec/stop-order.js';
import { DEFAULT_RECOVERY } from '../../../src/config/defaults.js';
import type { Dependency } from '../../../src/protocol/app-spec.js';
import type { Health, ProcessStatus } from '../../../src/protocol/process-info.js';
import { dependencyState } from '../../../src/supervisor/dependencies.js';
import { ProcessPool } from '../../../src/supervisor/process-pool.js';
import { FakeWorld, flush, testSpec } from './fake-world.js';

const view = (status: ProcessStatus, health: Health = 'unknown') => ({ status, health });
const dep = (condition: Dependency['condition']): Dependency => ({ app: 'db', condition, restart: false });

test('each condition against the statuses of the instances depended on', () => {
  const rows: Array<[Dependency['condition'], ProcessStatus[], Health, 'met' | 'pending' | string]> = [
    ['started', ['online', 'online'], 'unknown', 'met'],
    ['started', ['online', 'starting'], 'unknown', 'pending'],
    ['started', ['completed'], 'unknown', 'met'],
    ['started', ['online', 'errored'], 'unknown', 'db errored'],
    ['started', ['failed'], 'unknown', 'db failed'],
    ['healthy', ['online'], 'healthy', 'met'],
    ['healthy', ['online'], 'unhealthy', 'pending'],
    ['healthy', ['waiting-restart'], 'unknown', 'pending'],
    ['completed', ['failed'], 'unknown', 'met'],
    ['completed', ['online'], 'unknown', 'pending'],
    ['completed_successfully', ['completed'], 'unknown', 'met'],
    ['completed_successfully', ['failed'], 'unknown', 'db failed'],
    ['completed_successfully', ['waiting'], 'unknown', 'pending'],
  ];
  for (const [condition, statuses, health, expected] of rows) {
    const state = dependencyState(
      dep(condition),
      statuses.map((s) => view(s, health)),
    );
    const got = state.met ? 'met' : state.blocked ? state.why : 'pending';
    assert.equal(got, expected, `${condition} with ${statuses} (${health})`);
  }
  assert.deepEqual(dependencyState(dep('started'), undefined), {
    met: false,
    blocked: true,
    why: 'db is not defined',
  });
  assert.deepEqual(dependencyState(dep('started'), []), {
    met: false,
    blocked: true,
    why: 'db has no instances',
  });
  assert.deepEqual(dependencyState(dep('healthy'), [view('starting')]), {
    met: false,
    blocked: false,
    why: 'db healthy',
  });
});

test('the stop order puts each app after every app that depends on it; no dependencies is one wave', () => {
  const item = (name: string, on: string[] = []) => ({
    spec: { name, dependsOn: on.map((app) => ({ app, condition: 'started' as const, restart: false })) },
  });
  const names = (waves: Array<Array<{ spec: { name: string } }>>) =>
    waves.map((w) => w.map((i) => i.spec.name));
  assert.deepEqual(names(stopOrder([item('a'), item('b')])), [['a', 'b']]);
  assert.deepEqual(names(stopOrder([item('db'), item('migrate', ['db']), item('web', ['migrate', 'db'])])), [
    ['web'],
    ['migrate'],
    ['db'],
  ]);
});

test('the pool holds an app back until a task it depends on completes, and blocks it when the task fails', async () => {
  const w = new FakeWorld();
  const pool = new ProcessPool(w.poolDeps(10));
  const web = testSpec({
    name: 'web',
    dependsOn: [{ app: 'migrate', condition: 'completed_successfully', restart: false }],
  });
  const migrate = testSpec({
    name: 'migrate',
    type: 'task',
    recovery: { ...DEFAULT_RECOVERY, autoRestart: 'never' },
  });
  const migratePid = () => pool.list().find((p) => p.name === 'migrate')!.pid!;
  const reply = await pool.apply([migrate, web]);
  assert.deepEqual(
    reply.map((p) => [p.name, p.status, p.reason]),
    [
      ['migrate', 'online', ''],
      ['web', 'waiting', 'migrate completed_successfully'],
    ],
  );
  assert.equal(w.forks.length, 1, 'web not forked');
  w.exit(migratePid(), 0);
  await w.advance(10);
  assert.deepEqual(
    pool.list().map((p) => [p.name, p.status]),
    [
      ['migrate', 'completed'],
      ['web', 'online'],
    ],
  );
  // Run again and fail: web is already running, and stays; a new web instance would be blocked.
  await pool.start({ kind: 'name', name: 'migrate' });
  w.exit(migratePid(), 1);
  await w.advance(10);
  await pool.scale('web', { mode: 'set', count: 2 });
  await flush();
  const added = pool.list().find((p) => p.name === 'web' && p.index === 1)!;
  assert.deepEqual([added.status, added.reason], ['blocked', 'migrate failed']);
  assert.ok(w.eventTypes().includes('dependency-blocked'));
});

test('stop all signals the dependents first, and what they depend on once they are down', async () => {
  const w = new FakeWorld();
  const pool = new ProcessPool(w.poolDeps(10));
  await pool.apply([
    testSpec({ name: 'db' }),
    testSpec({ name: 'web', dependsOn: [{ app: 'db', condition: 'started', restart: false }] }),
  ]);
  await w.advance(10);
  const [db, web] = pool.list().map((p) => p.pid!);
  w.ignore(web!, 'SIGTERM');
  const stopping = pool.stopAll();
  await w.advance(100);
  assert.deepEqual(w.signalsTo(db!), [], 'db waits for web to be down');
  await w.advance(5_000); // web's kill timeout
  await stopping;
  assert.deepEqual(w.signalsTo(db!), ['SIGTERM']);
});

test('a crash restart of a dependency restarts the dependents that ask for it, once it holds again', async () => {
  const w = new FakeWorld();
  const pool = new ProcessPool(w.poolDeps(10));
  const on = (restart: boolean) => [{ app: 'db', condition: 'started' as const, restart }];
  await pool.apply([
    testSpec({ name: 'db' }),
    testSpec({ name: 'web', dependsOn: on(true) }),
    testSpec({ name: 'cron', dependsOn: on(false) }),
  ]);
  await w.advance(10);
  const pids = () => Object.fromEntries(pool.list().map((p) => [p.name, p.pid]));
  const before = pids();
  w.exit(before.db!, 1); // a crash: restarted by its policy at once
  await w.advance(10);
  const after = pids();
  assert.notEqual(after.db, before.db, 'db restarted');
  assert.notEqual(after.web, before.web, 'web asked to be restarted with db');
  assert.equal(after.cron, before.cron, 'cron did not ask');
  assert.deepEqual(
    pool.list().map((p) => p.status),
    ['online', 'online', 'online'],
  );
});

test('the apps that restart with a crashed one follow changes of the definitions and of the apps', async () => {
  const w = new FakeWorld();
  const pool = new ProcessPool(w.poolDeps(10));
  const on = (restart: boolean) => [{ app: 'db', condition: 'started' as const, restart }];
  const db = testSpec({ name: 'db' });
  await pool.apply([
    db,
    testSpec({ name: 'web', dependsOn: on(true) }),
    testSpec({ name: 'cron', dependsOn: on(false) }),
  ]);
  await w.advance(10);
  const pids = () => Object.fromEntries(pool.list().map((p) => [p.name, p.pid]));
  const crash = async () => {
    await w.advance(60_000); // past db's restart delay, which grows with each crash
    const before = pids();
    assert.ok(Object.values(before).every((pid) => pid !== null));
    w.exit(before.db!, 1);
    await w.advance(10);
    const after = pids();
    return Object.keys(after)
      .filter((name) => name !== 'db' && after[name] !== before[name])
      .sort();
  };
  assert.deepEqual(await crash(), ['web']);
  // web no longer asks, cron now does.
  const changed = [
    db,
    testSpec({ name: 'web', dependsOn: on(false) }),
    testSpec({ name: 'cron', dependsOn: on(true) }),
  ];
  await pool.apply(changed);
  assert.deepEqual(await crash(), ['cron']);
  // A new app asks too.
  await pool.apply([...changed, testSpec({ name: 'queue', dependsOn: on(true) })]);
  assert.deepEqual(await crash(), ['cron', 'queue']);
  await pool.delete({ kind: 'name', name: 'cron' });
  assert.deepEqual(await crash(), ['queue']);
});

test('a changed dependent held back while its dependency restarts is restarted, not only started, once it holds', async () => {
  const w = new FakeWorld();
  const pool = new ProcessPool(w.poolDeps(10));
  const db = testSpec({ name: 'db' });
  const web = testSpec({ name: 'web', dependsOn: [{ app: 'db', condition: 'started', restart: false }] });
  await pool.apply([db, web]);
  await w.advance(10);
  const before = pool.list().map((p) => p.pid);
  await pool.apply([
    { ...db, env: { V: '2' } },
    { ...web, env: { V: '2' } },
  ]);
  await w.advance(100);
  const after = pool.list().map((p) => p.pid);
  assert.notEqual(after[0], before[0], 'db restarted');
  assert.notEqual(after[1], before[1], 'web restarted under its new definition');
});

test("a reload's replacement is not held back by dependencies the instance it replaces passed", async () => {
  const w = new FakeWorld();
  const pool = new ProcessPool(w.poolDeps(10));
  const migrate = testSpec({
    name: 'migrate',
    type: 'task',
    recovery: { ...DEFAULT_RECOVERY, autoRestart: 'never' },
  });
  const web = testSpec({
    name: 'web',
    listenTimeoutMs: 100,
    dependsOn: [{ app: 'migrate', condition: 'completed_successfully', restart: false }],
  });
  await pool.apply([migrate, web]);
  w.exit(pool.list().find((p) => p.name === 'migrate')!.pid!, 0);
  await w.advance(10);
  await pool.start({ kind: 'name', name: 'migrate' }); // running again: web's condition does not hold now
  const reloading = pool.reload({ kind: 'name', name: 'web' }, { parallel: 1 });
  await w.advance(200);
  const [after] = (await reloading).filter((p) => p.name === 'web');
  assert.equal(after!.status, 'online');
  assert.ok(w.eventTypes().includes('reloaded'));
});

test('an instance held back whose depends_on goes away is let go, and not started again at every change', async () => {
  const w = new FakeWorld();
  const pool = new ProcessPool(w.poolDeps(10));
  const task = testSpec({
    name: 'job',
    type: 'task',
    recovery: { ...DEFAULT_RECOVERY, autoRestart: 'never' },
    dependsOn: [{ app: 'db', condition: 'healthy', restart: false }],
  });
  await pool.apply([testSpec({ name: 'db' }), task]);
  assert.equal(pool.list().find((p) => p.name === 'job')!.status, 'waiting');
  await pool.apply([testSpec({ name: 'db' }), { ...task, dependsOn: undefined }]);
  const job = () => pool.list().find((p) => p.name === 'job')!;
  w.exit(job().pid!, 0);
  await w.advance(10);
  const forks = w.forks.length;
  await pool.restart({ kind: 'name', name: 'db' });
  await w.advance(10);
  assert.equal(job().status, 'completed');
  assert.equal(w.forks.length, forks + 1, 'only db forked again');
});
