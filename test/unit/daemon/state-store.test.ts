// The state file under faults: a write that fails keeps the previous file, alerts once and is
// retried; a file that does not check out is moved aside, and the previous good one stands in.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, mock, test } from 'node:test';
import { type DaemonState, StateStore } from '../../../src/daemon/state-store.js';
import type { PmEventInput } from '../../../src/protocol/events.js';
import { testSpec } from '../supervisor/fake-world.js';

let dir: string;
let events: PmEventInput[];
let state: DaemonState;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-store-'));
  events = [];
  state = { pool: { nextId: 0, apps: [] }, settings: {} };
  mock.timers.enable({ apis: ['setTimeout'] });
});
afterEach(() => {
  mock.timers.reset();
  fs.rmSync(dir, { recursive: true, force: true });
});

function store(file = path.join(dir, 'state.json')): StateStore {
  return new StateStore({
    file,
    snapshot: () => state,
    events: { record: (e) => events.push(e) },
    log: () => {},
  });
}

test('a failed write keeps the previous file, alerts once, and is retried until it works', async () => {
  const home = path.join(dir, 'home');
  fs.mkdirSync(home);
  const s = store(path.join(home, 'state.json'));
  assert.equal(await s.save(), true);
  const before = fs.readFileSync(path.join(home, 'state.json'), 'utf8');
  // The home is gone from its path: every write fails, as on a full disk.
  fs.renameSync(home, `${home}-away`);
  state = { pool: { nextId: 5, apps: [] }, settings: {} };
  assert.equal(await s.save(), false);
  s.schedule(); // a failing store does not pile up writes: the retry carries the latest state
  await s.flush(); // and a reply does not wait for one
  mock.timers.tick(1_000);
  await s.flush(); // the retry in flight
  mock.timers.tick(2_000);
  await s.flush();
  assert.deepEqual(
    events.map((e) => [e.type, e.severity]),
    [['state-not-saved', 'alert']],
  );
  fs.renameSync(`${home}-away`, home);
  assert.equal(fs.readFileSync(path.join(home, 'state.json'), 'utf8'), before);
  mock.timers.tick(4_000);
  await s.flush();
  assert.equal(JSON.parse(fs.readFileSync(path.join(home, 'state.json'), 'utf8')).pool.nextId, 5);
  assert.deepEqual(
    events.map((e) => e.type),
    ['state-not-saved', 'state-saved'],
  );
});

test('a state file that does not parse is moved aside and the previous good one restores the apps', async () => {
  const s = store();
  state = { pool: { nextId: 3, apps: [] }, settings: {} };
  await s.save();
  await s.save();
  fs.writeFileSync(path.join(dir, 'state.json'), '{"version":1,"po');
  const loaded = s.load();
  assert.equal(loaded.fromPrevious, true);
  assert.equal(loaded.state?.pool.nextId, 3);
  assert.match(loaded.problems[0]!, /JSON/);
  assert.ok(loaded.movedTo && fs.existsSync(loaded.movedTo));
  assert.ok(!fs.existsSync(path.join(dir, 'state.json')));
});

test('no state file: nothing to restore, nothing moved', () => {
  assert.deepEqual(store().load(), { state: null, problems: [] });
});

test('a state file of format 1 (environments inline) is still read; the next write is format 2', async () => {
  const file = path.join(dir, 'state.json');
  const spec = testSpec({ baseEnv: { PATH: '/bin' } });
  fs.writeFileSync(
    file,
    JSON.stringify({ version: 1, pool: { nextId: 1, apps: [{ spec, instances: [] }] }, settings: {} }),
  );
  const s = store(file);
  const loaded = s.load();
  assert.deepEqual(loaded.problems, []);
  assert.deepEqual(loaded.state?.pool.apps[0]?.spec, spec);
  state = loaded.state!;
  await s.save();
  const written = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(written.version, 2);
  assert.deepEqual(written.pool.envs, [{ PATH: '/bin' }]);
});

test('restored apps share their environment and their equal parts, as applied ones do', async () => {
  const file = path.join(dir, 'state.json');
  const baseEnv = { PATH: '/bin', HOME: '/root' };
  state = {
    pool: {
      nextId: 2,
      apps: ['a', 'b'].map((name) => ({ spec: testSpec({ name, baseEnv: { ...baseEnv } }), instances: [] })),
    },
    settings: {},
  };
  await store(file).save();
  const [a, b] = store(file)
    .load()
    .state!.pool.apps.map((app) => app.spec);
  assert.deepEqual([a!.name, b!.name], ['a', 'b']);
  assert.deepEqual(b!.baseEnv, baseEnv);
  assert.equal(b!.baseEnv, a!.baseEnv);
  assert.equal(b!.recovery, a!.recovery);
});

test('changes made while a write is in flight go into one next write, and flush waits for it', async () => {
  const file = path.join(dir, 'state.json');
  const s = store(file);
  state = { pool: { nextId: 1, apps: [] }, settings: {} };
  const first = s.save();
  for (let id = 2; id <= 5; id++) {
    state = { pool: { nextId: id, apps: [] }, settings: {} };
    s.schedule();
    void s.save();
  }
  await s.flush();
  assert.equal(await first, true);
  assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).pool.nextId, 5);
  // Two writes: the one in flight (1), then one with every later change (5).
  assert.equal(JSON.parse(fs.readFileSync(`${file}.prev`, 'utf8')).pool.nextId, 1);
  // Nothing changed since: a flush writes nothing more.
  await s.flush();
  assert.equal(JSON.parse(fs.readFileSync(`${file}.prev`, 'utf8')).pool.nextId, 1);
});

test('a change waits to be written until the loop has run four times as long as the last snapshot took', async () => {
  let clock = 0;
  let snapshots = 0;
  const s = new StateStore({
    file: path.join(dir, 'state.json'),
    // A snapshot of many instances: 20 ms of the loop.
    snapshot: () => {
      snapshots += 1;
      clock += 20;
      return state;
    },
    events: { record: (e) => events.push(e) },
    log: () => {},
    now: () => clock,
  });
  await s.save();
  clock += 30;
  s.schedule();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(snapshots, 1, 'not yet: 30 of the 80 ms after the snapshot have passed');
  mock.timers.tick(49);
  assert.equal(snapshots, 1);
  mock.timers.tick(1);
  assert.equal(snapshots, 2);
  // A reply's flush does not wait.
  state = { ...state, pool: { ...state.pool, nextId: 5 } };
  s.schedule();
  await s.flush();
  assert.equal(snapshots, 3);
});

test('a change made while the retry that works is in flight is written after it', async () => {
  const home = path.join(dir, 'home');
  fs.mkdirSync(home);
  const s = store(path.join(home, 'state.json'));
  fs.renameSync(home, `${home}-away`);
  assert.equal(await s.save(), false);
  fs.renameSync(`${home}-away`, home);
  mock.timers.tick(1_000); // the retry begins, and will work
  state = { pool: { nextId: 9, apps: [] }, settings: {} };
  s.schedule(); // still failing when it comes: left to the retry in flight, which began before it
  await s.flush(); // the retry
  // No command's flush follows: the change must be written on its own (the clock is mocked, so
  // poll turn by turn).
  const nextId = () => JSON.parse(fs.readFileSync(path.join(home, 'state.json'), 'utf8')).pool.nextId;
  for (let turn = 0; turn < 10_000 && nextId() !== 9; turn++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.equal(nextId(), 9);
});
