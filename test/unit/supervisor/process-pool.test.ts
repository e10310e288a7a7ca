// The pool in a fake world: operations over many instances, replying when each has settled, with a
// manual clock and no process spawned.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProcessPool } from '../../../src/supervisor/process-pool.js';
import type { PoolSnapshot } from '../../../src/supervisor/records.js';
import { FakeWorld, flush, testSpec } from './fake-world.js';

const name = (n: string) => ({ kind: 'name' as const, name: n });

function pool(): { w: FakeWorld; pool: ProcessPool } {
  const w = new FakeWorld();
  return { w, pool: new ProcessPool(w.poolDeps()) };
}

const statuses = (p: ProcessPool) => p.list().map((i) => `${i.name}:${i.index} ${i.status}`);

test('apply creates the instances and replies once they are online', async () => {
  const { w, pool: p } = pool();
  const infos = await p.apply([testSpec({ instances: 2 })]);
  assert.deepEqual(
    infos.map((i) => i.status),
    ['online', 'online'],
  );
  assert.equal(w.forks.length, 2);
  assert.deepEqual(
    p.list().map((i) => i.id),
    [0, 1],
  );
});

test('apply of a changed definition restarts the kept instances; the same one only starts what is down', async () => {
  const { w, pool: p } = pool();
  await p.apply([testSpec({ instances: 1 })]);
  const first = p.list()[0]!.pid!;
  await p.apply([testSpec({ instances: 1 })]);
  assert.equal(p.list()[0]!.pid, first, 'same definition: the run goes on');
  const reply = await p.apply([testSpec({ instances: 1, cwd: '/srv' })]);
  assert.notEqual(reply[0]!.pid, first);
  assert.ok(!w.isAlive(first));
  assert.equal(w.forks.length, 2);
});

test('scale down while instances are starting stops and removes the highest indexes', async () => {
  const { w, pool: p } = pool();
  w.holdSpawn = true;
  const starting = p.apply([testSpec({ instances: 3 })]);
  // The apply replies after startWaitMs with the instances still starting (no exec confirmation).
  await w.advance(3_000);
  await starting;
  assert.deepEqual(statuses(p), ['web:0 starting', 'web:1 starting', 'web:2 starting']);
  const pids = p.list().map((i) => i.pid!);
  w.holdSpawn = false;
  const scaling = p.scale('web', { mode: 'set', count: 1 });
  await flush();
  w.confirm(pids[0]!);
  const scaled = await scaling;
  assert.deepEqual(
    scaled.map((i) => i.index),
    [0],
  );
  assert.deepEqual(statuses(p), ['web:0 online']);
  assert.ok(!w.isAlive(pids[1]!) && !w.isAlive(pids[2]!));
  assert.ok(w.isAlive(pids[0]!));
  const deleted = w.events.filter((e) => e.type === 'deleted').map((e) => e.index);
  assert.deepEqual(deleted, [2, 1]);
  assert.ok(w.events.some((e) => e.type === 'scaled' && e.message === 'scaled from 3 to 1 instances'));
});

test('scale up fills the lowest free index', async () => {
  const { pool: p } = pool();
  await p.apply([testSpec({ instances: 3 })]);
  await p.delete({ kind: 'instance', name: 'web', index: 1 });
  await p.scale('web', { mode: 'add', count: 1 });
  assert.deepEqual(
    p.list().map((i) => i.index),
    [0, 1, 2],
  );
});

test('scale below zero is refused and changes nothing', async () => {
  const { pool: p } = pool();
  await p.apply([testSpec({ instances: 1 })]);
  await assert.rejects(p.scale('web', { mode: 'add', count: -2 }), /cannot scale "web" to -1/);
  assert.equal(p.list().length, 1);
});

test('delete while stopping waits for the kill timeout, then removes the instance and the app', async () => {
  const { w, pool: p } = pool();
  await p.apply([testSpec({ instances: 1, stop: { signal: 'SIGTERM', killTimeoutMs: 2_000 } })]);
  const pid = p.list()[0]!.pid!;
  w.ignore(pid, 'SIGTERM');
  const stopping = p.stop(name('web'));
  assert.deepEqual(statuses(p), ['web:0 stopping']);
  let deleted = false;
  const deleting = p.delete(name('web')).then(() => {
    deleted = true;
  });
  await flush();
  assert.ok(!deleted, 'not before the tree is gone');
  assert.equal(p.appCount, 1);
  await w.advance(2_000);
  await Promise.all([stopping, deleting]);
  assert.ok(!w.isAlive(pid));
  assert.equal(p.appCount, 0);
  assert.deepEqual(w.signalsTo(pid).filter((s) => s === 'SIGKILL').length > 0, true);
});

test('a start operation replies after startWaitMs even when an instance never comes online', async () => {
  const w = new FakeWorld();
  const p = new ProcessPool(w.poolDeps(500));
  // The fork fails: errored at once, which is settled.
  w.failNextFork = { message: 'cwd /nope does not exist', transient: false };
  const [info] = await p.apply([testSpec({ instances: 1 })]);
  assert.equal(info!.status, 'errored');
});

test('restore adopts live runs, starts what should run, and keeps the rest stopped', async () => {
  const { w, pool: p } = pool();
  w.addProcess({ pid: 4_242 });
  const spec = testSpec({ instances: 3 });
  const base = { pidStartTime: null, startedAt: null, restarts: 0, lastExit: null };
  const snapshot: PoolSnapshot = {
    nextId: 3,
    apps: [
      {
        spec,
        instances: [
          { ...base, id: 0, index: 0, status: 'online', pid: 4_242, pidStartTime: 42_420, startedAt: 1 },
          { ...base, id: 1, index: 1, status: 'online', pid: 4_343, pidStartTime: 43_430, startedAt: 1 },
          { ...base, id: 2, index: 2, status: 'stopped', pid: null },
        ],
      },
    ],
  };
  assert.deepEqual(await p.restore(snapshot), { adopted: 1, started: 1 });
  await flush();
  assert.deepEqual(statuses(p), ['web:0 online', 'web:1 online', 'web:2 stopped']);
  assert.equal(p.list()[0]!.pid, 4_242);
  assert.deepEqual(p.snapshot().nextId, 3);
  const [added] = await p.apply([testSpec({ name: 'api' })]);
  assert.equal(added!.id, 3, 'ids go on from the snapshot');
});

test('a snapshot round-trips: what is written is what is restored', async () => {
  const { pool: p } = pool();
  await p.apply([testSpec({ instances: 2 })]);
  await p.stop({ kind: 'instance', name: 'web', index: 1 });
  const snapshot = p.snapshot();
  assert.deepEqual(
    snapshot.apps[0]!.instances.map((r) => [r.index, r.status, r.pid !== null]),
    [
      [0, 'online', true],
      [1, 'stopped', false],
    ],
  );
});

test('apply and scale write the state ahead of forking, naming every new slot as starting', async () => {
  const w = new FakeWorld();
  const written: Array<{ forks: number; snapshot: PoolSnapshot }> = [];
  const p: ProcessPool = new ProcessPool({
    ...w.poolDeps(),
    persist: () => written.push({ forks: w.forks.length, snapshot: p.snapshot() }),
  });
  await p.apply([testSpec({ instances: 2 })]);
  await p.scale('web', { mode: 'add', count: 1 });
  assert.deepEqual(
    written.map((x) => x.forks),
    [0, 2],
  );
  const slots = (i: number) => written[i]!.snapshot.apps[0]!.instances.map((r) => [r.index, r.status, r.pid]);
  assert.deepEqual(slots(0), [
    [0, 'starting', null],
    [1, 'starting', null],
  ]);
  assert.deepEqual(slots(1).slice(2), [[2, 'starting', null]]);
  // A daemon killed right after that write starts what it names.
  const next = pool();
  assert.deepEqual(await next.pool.restore(written[0]!.snapshot), { adopted: 0, started: 2 });
});

test('an app with no instances is written ahead too', async () => {
  const w = new FakeWorld();
  const written: PoolSnapshot[] = [];
  const p: ProcessPool = new ProcessPool({ ...w.poolDeps(), persist: () => written.push(p.snapshot()) });
  await p.apply([testSpec({ name: 'later', instances: 0 })]);
  assert.deepEqual(
    written[0]!.apps.map((a) => a.spec.name),
    ['later'],
  );
});

test('a scale that runs out of file descriptors changes nothing and releases what it opened', async () => {
  const w = new FakeWorld();
  const deps = w.poolDeps();
  const closed: string[] = [];
  let opened = 0;
  const p = new ProcessPool({
    ...deps,
    createOutput: (spec, index, id) => {
      const output = deps.createOutput(spec, index, id);
      return {
        ...output,
        open: () => {
          if (++opened > 3) throw Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' });
        },
        close: async () => void closed.push(`${spec.name}:${index}`),
      };
    },
  });
  await p.apply([testSpec({ instances: 1 })]);
  await assert.rejects(p.scale('web', { mode: 'set', count: 5 }), {
    message: 'cannot add web:3: EMFILE: too many open files; no instance was added',
  });
  assert.deepEqual(
    p.list().map((i) => i.index),
    [0],
  );
  assert.deepEqual(closed.sort(), ['web:1', 'web:2', 'web:3']);
  assert.equal(p.snapshot().apps[0]!.spec.instances, 1);
  assert.equal(w.forks.length, 1);
});

test('an app scaled to 0 stays defined: describe all and describe by name show it (pm save keeps it)', async () => {
  const { pool: p } = pool();
  await p.apply([testSpec({ instances: 1 }), testSpec({ name: 'idle', instances: 0 })]);
  await p.scale('web', { mode: 'set', count: 0 });
  assert.deepEqual(
    p.describe({ kind: 'all' }).map((a) => [a.spec.name, a.instances.length]),
    [
      ['web', 0],
      ['idle', 0],
    ],
  );
  assert.deepEqual(
    p.describe(name('idle')).map((a) => a.spec.name),
    ['idle'],
  );
  assert.throws(() => p.describe(name('nope')), /no process matches "nope"/);
});

test('delete removes what it names, and leaves another app scaled to 0 defined', async () => {
  const { pool: p } = pool();
  await p.apply([testSpec({ instances: 1 }), testSpec({ name: 'idle', instances: 0 })]);
  await p.delete(name('web'));
  assert.deepEqual(
    p.describe({ kind: 'all' }).map((a) => a.spec.name),
    ['idle'],
  );
  await p.delete(name('idle'));
  assert.equal(p.appCount, 0);
});

test('two scales at once never pick the same index: changes of the set of instances run one after the other', async () => {
  const { pool: p } = pool();
  await p.apply([testSpec({ instances: 1 })]);
  await Promise.all([p.scale('web', { mode: 'add', count: 1 }), p.scale('web', { mode: 'add', count: 1 })]);
  assert.deepEqual(
    p.list().map((i) => i.index),
    [0, 1, 2],
  );
});

test("the snapshot keeps an unchanged instance's record object, and a changed one's is new and current", async () => {
  const { pool: p } = pool();
  await p.apply([testSpec({ instances: 2 })]);
  const [first, second] = p.snapshot().apps[0]!.instances;
  const again = p.snapshot().apps[0]!.instances;
  assert.equal(again[0], first);
  assert.equal(again[1], second);
  await p.stop({ kind: 'instance', name: 'web', index: 1 });
  const after = p.snapshot().apps[0]!.instances;
  assert.equal(after[0], first);
  assert.notEqual(after[1], second);
  assert.equal(after[1]!.status, 'stopped');
});

test('list in slices, a loop turn between them, is the list', async () => {
  const { w, pool: p } = pool();
  await p.apply([testSpec({ instances: 5 })]);
  const turns = w.turns;
  assert.deepEqual(await p.listInSlices(2), p.list());
  assert.equal(w.turns - turns, 2, 'three slices, two turns between them');
});

test('restore yields to the loop between batches of instances', async () => {
  const { w, pool: p } = pool();
  const records = Array.from({ length: 100 }, (_, i) => ({
    id: i,
    index: i,
    status: 'stopped' as const,
    pid: null,
    pidStartTime: null,
    startedAt: null,
    restarts: 0,
    lastExit: null,
  }));
  const turns = w.turns;
  await p.restore({ nextId: 100, apps: [{ spec: testSpec({ instances: 100 }), instances: records }] });
  assert.equal(p.instanceCount, 100);
  assert.ok(w.turns - turns >= 3, `100 instances in batches of at most 32: ${w.turns - turns} turns`);
});

test('stopping every instance while a reload goes on: what it added is stopped too, and it starts nothing more', async () => {
  const { w, pool: p } = pool();
  await p.apply([testSpec({ instances: 3, waitReady: true, listenTimeoutMs: 60_000 })]);
  const reloading = p.reload({ kind: 'name', name: 'web' }, { parallel: 1 }).catch((error: Error) => error);
  await flush();
  assert.equal(w.forks.length, 4, "slot 0's replacement runs");
  // The daemon stops (pm kill) while the replacement waits to be ready.
  const stopping = p.stopAll();
  await w.advance(1_000);
  assert.equal(await stopping, 4);
  const error = (await reloading) as Error;
  assert.ok(error instanceof Error);
  assert.equal(w.forks.length, 4, 'no replacement made after the stop began');
  const pids = w.forks.map((_, i) => 1000 + i); // the fake world's pids, in fork order
  assert.deepEqual(
    pids.filter((pid) => w.isAlive(pid)),
    [],
    'no run left',
  );
});

test('a reload asked for as the daemon begins to stop starts nothing', async () => {
  const { w, pool: p } = pool();
  await p.apply([testSpec({ instances: 3, waitReady: true, listenTimeoutMs: 60_000 })]);
  const reloading = p.reload({ kind: 'name', name: 'web' }, { parallel: 1 }).catch((error: Error) => error);
  const stopping = p.stopAll();
  await w.advance(1_000);
  await stopping;
  assert.match(((await reloading) as Error).message, /the daemon is stopping/);
  assert.equal(w.forks.length, 3);
  assert.ok([1000, 1001, 1002].every((pid) => !w.isAlive(pid)));
});

test('a start of many under way when the daemon begins to stop forks no more, and what it forked is stopped', async () => {
  const { w, pool: p } = pool();
  const applying = p.apply([testSpec({ instances: 100 })]).catch((error: Error) => error);
  while (w.forks.length === 0) await new Promise((resolve) => setImmediate(resolve));
  const stopping = p.stopAll();
  await w.advance(1_000);
  await stopping;
  await applying;
  const forked = w.forks.length;
  assert.ok(forked < 100, `${forked} forked before the stop`);
  assert.deepEqual(
    w.forks.map((_, i) => 1000 + i).filter((pid) => w.isAlive(pid)),
    [],
  );
  await w.advance(1_000);
  assert.equal(w.forks.length, forked, 'none after');
});
