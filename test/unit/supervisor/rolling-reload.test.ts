// `pm reload` in a fake world: each replacement must be ready before its instance stops; one that is
// not is stopped and its instance kept; a daemon that dies mid-reload leaves a state a new one settles.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEntries } from '../../../src/daemon/state-journal.js';
import { PmError } from '../../../src/protocol/errors.js';
import { ProcessPool } from '../../../src/supervisor/process-pool.js';
import type { PoolSnapshot } from '../../../src/supervisor/records.js';
import { FakeWorld, flush, testSpec } from './fake-world.js';

const web = { kind: 'name' as const, name: 'web' };

async function running(overrides: Parameters<typeof testSpec>[0] = {}) {
  const w = new FakeWorld();
  const written: PoolSnapshot[] = [];
  const p: ProcessPool = new ProcessPool({ ...w.poolDeps(), persist: () => written.push(p.snapshot()) });
  await p.apply([testSpec({ instances: 2, listenTimeoutMs: 3_000, ...overrides })]);
  return { w, p, written, pids: p.list().map((i) => i.pid!) };
}

const slots = (p: ProcessPool) => p.list().map((i) => `${i.index}:${i.id}:${i.status}`);

test('each instance is replaced in turn: its replacement says it is ready, then the old run stops', async () => {
  const { w, p, pids } = await running();
  const reloading = p.reload(web, { parallel: 1 });
  await flush();
  const first = w.forks.at(-1)!;
  assert.equal(first.index, 0);
  assert.ok(first.onReadyNotice, 'the replacement gets a ready pipe');
  assert.deepEqual(
    slots(p),
    ['0:0:online', '0:2:online', '1:1:online'],
    'both runs of slot 0 while it is replaced',
  );
  assert.deepEqual(w.signalsTo(pids[0]!), [], 'the old run is left alone until its replacement is ready');
  const fresh = p.list().find((i) => i.id === 2)!.pid!;
  w.notifyReady(fresh);
  await flush();
  assert.ok(!w.isAlive(pids[0]!), 'then it is stopped');
  w.notifyReady(p.list().find((i) => i.id === 3)!.pid!);
  const reply = await reloading;
  assert.deepEqual(
    reply.map((i) => [i.index, i.id, i.status]),
    [
      [0, 2, 'online'],
      [1, 3, 'online'],
    ],
  );
  assert.ok(!w.isAlive(pids[1]!));
  const reloaded = w.events.filter((e) => e.type === 'reloaded');
  assert.deepEqual(
    reloaded.map((e) => e.message),
    [
      `pid ${pids[0]} replaced by pid ${fresh} (ready: it said it is ready)`,
      `pid ${pids[1]} replaced by pid ${reply[1]!.pid} (ready: it said it is ready)`,
    ],
  );
  assert.ok(!w.eventTypes().includes('deleted'), 'a replaced instance is not reported deleted');
});

test('a replacement that does not say it is ready in time is stopped, its instance kept, the rest not touched', async () => {
  const { w, p, pids } = await running({ waitReady: true });
  const reloading = p.reload(web, { parallel: 1 }).catch((error: unknown) => error);
  await w.advance(3_000);
  const error = (await reloading) as PmError;
  assert.ok(error instanceof PmError && error.code === 'not-ready');
  assert.match(
    error.message,
    /^reload stopped at web:0: its replacement was not ready: it did not say it is ready/,
  );
  assert.match(error.message, /kept pid \d+; not reloaded: web:1/);
  assert.deepEqual(
    p.list().map((i) => i.pid),
    pids,
    'the old runs serve on',
  );
  assert.equal(w.forks.length, 3, 'no replacement for web:1');
  assert.ok(w.eventTypes().includes('reload-failed'));
});

test('with no readiness probe and no wait_ready, a replacement up listen_timeout is ready', async () => {
  const { w, p, pids } = await running({ instances: 1 });
  const reloading = p.reload(web, { parallel: 1 });
  await w.advance(2_999);
  assert.ok(w.isAlive(pids[0]!));
  await w.advance(1);
  const [after] = await reloading;
  assert.notEqual(after!.pid, pids[0]);
  assert.match(w.events.find((e) => e.type === 'reloaded')!.message, /ready: it has been up 3s/);
});

test('a replacement that exits before it is ready fails the reload at once', async () => {
  const { w, p, pids } = await running({ instances: 1 });
  const reloading = p.reload(web, { parallel: 1 }).catch((error: unknown) => error);
  await flush();
  w.exit(w.forks.length - 1 + 1000, 3);
  const error = (await reloading) as PmError;
  assert.match(error.message, /it exited with code 3/);
  assert.deepEqual(
    p.list().map((i) => i.pid),
    pids,
  );
});

test('--parallel replaces that many instances at once', async () => {
  const { w, p } = await running({ instances: 4 });
  const reloading = p.reload(web, { parallel: 2 });
  await flush();
  assert.deepEqual(
    w.forks.slice(4).map((f) => f.index),
    [0, 1],
  );
  for (const f of w.forks.slice(4)) w.notifyReady(p.list().find((i) => i.id === f.id)!.pid!);
  await flush();
  for (const f of w.forks.slice(6)) w.notifyReady(p.list().find((i) => i.id === f.id)!.pid!);
  const reply = await reloading;
  assert.deepEqual(
    reply.map((i) => i.index),
    [0, 1, 2, 3],
  );
  assert.deepEqual(
    w.forks.slice(6).map((f) => f.index),
    [2, 3],
  );
});

test('the journal marks the replacement before its fork, then the replaced instance; a new daemon drops the marked one', async () => {
  const { w, p, written } = await running({ instances: 1 });
  // The state file as written last before the reload (its writes after changes are the daemon's).
  const before = structuredClone(p.snapshot());
  const writes = written.length;
  const reloading = p.reload(web, { parallel: 1 });
  await flush();
  const [ahead] = w.journal;
  assert.deepEqual(
    ahead!.records.map((r) => [r.id, r.reload ?? null, r.pid]),
    [[1, 'replacement', null]],
  );
  assert.equal(ahead!.forks, 1, 'written ahead of its fork');
  assert.equal(w.forks.length, 2);
  // A daemon killed while it waited: the state file it wrote last, and the journal after it.
  const duringWait = applyEntries(structuredClone(before), w.journal) as PoolSnapshot;
  w.notifyReady(p.list().find((i) => i.id === 1)!.pid!);
  await reloading;
  const atSwap = w.journal.at(-1)!;
  assert.deepEqual(
    atSwap.records.map((r) => [r.id, r.reload ?? null]),
    [
      [1, null],
      [0, 'retiring'],
    ],
  );
  assert.ok(atSwap.records[0]!.pid !== null, "the replacement's run is named, for a new daemon to adopt");
  assert.equal(written.length, writes, 'no write of the whole state on the way');
  // A new daemon drops the marked instance; with the second entry it is the old one.
  const restoredFrom = async (snapshot: PoolSnapshot) => {
    const next = new FakeWorld();
    const live = snapshot.apps[0]!.instances.flatMap((r) => (r.pid === null ? [] : [r.pid]));
    for (const pid of live) next.addProcess({ pid });
    const restored = new ProcessPool(next.poolDeps());
    await restored.restore(snapshot);
    await next.advance(10);
    assert.ok(next.eventTypes().includes('reload-interrupted'));
    return restored.list().map((i) => [i.id, i.pid]);
  };
  assert.deepEqual(await restoredFrom(duringWait), [[0, before.apps[0]!.instances[0]!.pid]]);
  const afterSwap = applyEntries(structuredClone(before), w.journal) as PoolSnapshot;
  assert.deepEqual(await restoredFrom(afterSwap), [[1, atSwap.records[0]!.pid]]);
});

test('the next replacement does not wait until the instance replaced is gone; the reply waits for every one', async () => {
  const { w, p, pids } = await running({ waitReady: true, listenTimeoutMs: 60_000 });
  const ready = () => w.notifyReady(p.list().find((i) => i.id === w.forks.at(-1)!.id)!.pid!);
  // The old run of slot 0 takes its whole kill timeout to go.
  w.ignore(pids[0]!, 'SIGTERM');
  let replied = false;
  const reloading = p.reload(web, { parallel: 1 }).then((reply) => {
    replied = true;
    return reply;
  });
  await flush();
  ready();
  await flush();
  assert.deepEqual(w.signalsTo(pids[0]!), ['SIGTERM']);
  assert.ok(w.isAlive(pids[0]!), 'slot 0 still stopping');
  assert.equal(w.forks.at(-1)!.index, 1, "slot 1's replacement started meanwhile");
  ready();
  await flush();
  assert.ok(!w.isAlive(pids[1]!));
  assert.equal(replied, false, 'no reply while an instance replaced is still stopping');
  await w.advance(5_000);
  const reply = await reloading;
  assert.ok(!w.isAlive(pids[0]!), 'killed at its timeout');
  assert.deepEqual(
    reply.map((i) => [i.index, i.status]),
    [
      [0, 'online'],
      [1, 'online'],
    ],
  );
});

test('at most 4 instances replaced one at a time are stopping at once', async () => {
  const { w, p, pids } = await running({ instances: 6, waitReady: true, listenTimeoutMs: 60_000 });
  for (const pid of pids) w.ignore(pid, 'SIGTERM');
  const reloading = p.reload(web, { parallel: 1 });
  for (let slot = 0; slot < 4; slot++) {
    await flush();
    w.notifyReady(p.list().find((i) => i.id === w.forks.at(-1)!.id)!.pid!);
  }
  await flush();
  assert.equal(w.forks.length, 6 + 4, 'no fifth replacement while four old runs stop');
  assert.equal(pids.filter((pid) => w.isAlive(pid)).length, 6);
  await w.advance(5_000); // their kill timeout
  await flush();
  assert.equal(w.forks.length, 6 + 5);
  for (let slot = 4; slot < 6; slot++) {
    w.notifyReady(p.list().find((i) => i.id === w.forks.at(-1)!.id)!.pid!);
    await flush();
  }
  await w.advance(5_000);
  const reply = await reloading;
  assert.equal(reply.length, 6);
  assert.ok(pids.every((pid) => !w.isAlive(pid)));
});

test('a replacement that throws is reported once the others of its batch have settled', async () => {
  const w = new FakeWorld();
  let writes = 0;
  const p = new ProcessPool({
    ...w.poolDeps(),
    persistRecords: async () => {
      writes += 1;
      if (writes === 2) throw new Error('disk gone'); // slot 1's replacement cannot be written ahead
    },
  });
  await p.apply([testSpec({ instances: 2, waitReady: true, listenTimeoutMs: 60_000 })]);
  const pids = p.list().map((i) => i.pid!);
  let settled = false;
  const reloading = p
    .reload(web, { parallel: 2 })
    .catch((error: Error) => error)
    .finally(() => {
      settled = true;
    });
  await flush();
  assert.equal(settled, false, "slot 0's replacement still waits to be ready");
  const fresh = p.list().find((i) => i.index === 0 && i.pid !== pids[0])!;
  w.notifyReady(fresh.pid!);
  const error = (await reloading) as Error;
  assert.match(error.message, /disk gone/);
  assert.ok(!w.isAlive(pids[0]!), 'slot 0 was replaced before the error was reported');
});
