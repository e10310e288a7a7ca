// The state file's journal: a few records on disk without a write of the whole state, read back
// over the file by a new daemon, dropped once the file holds them, never glued to a torn line.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, mock, test } from 'node:test';
import { StateJournal } from '../../../src/daemon/state-journal.js';
import { type DaemonState, StateStore } from '../../../src/daemon/state-store.js';
import type { PmEventInput } from '../../../src/protocol/events.js';
import type { InstanceRecord } from '../../../src/supervisor/records.js';
import { testSpec } from '../supervisor/fake-world.js';

let dir: string;
let file: string;
let events: PmEventInput[];
let snapshots: number;
let state: DaemonState;

const record = (id: number, extra: Partial<InstanceRecord> = {}): InstanceRecord => ({
  id,
  index: id,
  status: 'online',
  pid: 100 + id,
  pidStartTime: 7,
  startedAt: 1,
  restarts: 0,
  lastExit: null,
  ...extra,
});
const withRecords = (instances: InstanceRecord[]): DaemonState => ({
  pool: { nextId: 5, apps: [{ spec: testSpec({ name: 'web' }), instances }] },
  settings: {},
});

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-journal-'));
  file = path.join(dir, 'state.json');
  events = [];
  snapshots = 0;
  state = withRecords([record(0)]);
  mock.timers.enable({ apis: ['setTimeout'] });
});
afterEach(() => {
  mock.timers.reset();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A store whose snapshots take 20 ms of a clock that stands still: after a write, the next one
 * waits on a (mocked) timer, so a test sees the journal before the file takes it in. */
function store(at = file): StateStore {
  let clock = 0;
  return new StateStore({
    file: at,
    snapshot: () => {
      snapshots += 1;
      clock += 20;
      return state;
    },
    events: { record: (e) => events.push(e) },
    log: () => {},
    now: () => clock,
  });
}

const loaded = (at = file) =>
  new StateStore({ file: at, snapshot: () => state, events: { record() {} }, log() {} }).load();
const idsOf = (s: DaemonState | null) =>
  s!.pool.apps[0]!.instances.map((r) => [r.id, r.reload ?? null, r.restarts]);

async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 10_000 && !condition(); turn++) await new Promise((r) => setImmediate(r));
  assert.ok(condition());
}

test("a record is on disk in the journal without a write of the state; a new daemon reads it over the file's", async () => {
  const s = store();
  await s.save();
  await s.record({ app: 'web', records: [record(1, { reload: 'replacement' })] });
  await s.record({ app: 'web', records: [record(1), record(0, { reload: 'retiring' })] });
  assert.equal(snapshots, 1, 'the state file was written once, before the records');
  const read = loaded();
  assert.deepEqual(read.problems, []);
  assert.deepEqual(idsOf(read.state), [
    [0, 'retiring', 0],
    [1, null, 0],
  ]);
});

test('the next write of the state file takes the journal in: its lines are dropped, never applied over newer records', async () => {
  const s = store();
  await s.save();
  await s.record({ app: 'web', records: [record(1, { reload: 'replacement' })] });
  const lines = fs.readFileSync(`${file}.journal`, 'utf8');
  // The pool changed on: the replacement restarted once.
  state = withRecords([record(0), record(1, { reload: 'replacement', restarts: 1 })]);
  mock.timers.tick(100);
  await s.flush();
  await until(() => !fs.existsSync(`${file}.journal`));
  assert.deepEqual(idsOf(loaded().state), [
    [0, null, 0],
    [1, 'replacement', 1],
  ]);
  // A journal the state file already holds (its seq is at most the file's journalSeq) changes nothing.
  fs.writeFileSync(`${file}.journal`, lines);
  assert.deepEqual(idsOf(loaded().state), [
    [0, null, 0],
    [1, 'replacement', 1],
  ]);
});

test('a line a crash cut short is passed over; the next daemon numbers on and its lines are read', async () => {
  await store().save();
  const entry = (seq: number, id: number) => JSON.stringify({ seq, app: 'web', records: [record(id)] });
  fs.writeFileSync(`${file}.journal`, `\n${entry(1, 1)}\n\n${entry(2, 2).slice(0, 40)}`);
  assert.deepEqual(idsOf(loaded().state), [
    [0, null, 0],
    [1, null, 0],
  ]);
  const next = new StateJournal(`${file}.journal`);
  assert.deepEqual(
    next.read(0).map((e) => e.records[0]!.id),
    [1],
  );
  await next.append({ app: 'web', records: [record(3)] });
  assert.deepEqual(idsOf(loaded().state), [
    [0, null, 0],
    [1, null, 0],
    [3, null, 0],
  ]);
  const seqs = fs
    .readFileSync(`${file}.journal`, 'utf8')
    .split('\n')
    .flatMap((line) => {
      try {
        return [JSON.parse(line).seq];
      } catch {
        return [];
      }
    });
  assert.deepEqual(seqs, [1, 2], 'numbered after the last whole line, not glued to the torn one');
});

test('records of an app that is gone are passed over', async () => {
  await store().save();
  await store().record({ app: 'gone', records: [record(4)] });
  assert.deepEqual(idsOf(loaded().state), [[0, null, 0]]);
});

test('a journal that cannot be written falls back on a write of the state file, with its alert', async () => {
  const home = path.join(dir, 'home');
  fs.mkdirSync(home);
  const s = store(path.join(home, 'state.json'));
  await s.save();
  fs.renameSync(home, `${home}-away`);
  await s.record({ app: 'web', records: [record(1)] });
  assert.deepEqual(
    events.map((e) => [e.type, e.severity]),
    [['state-not-saved', 'alert']],
  );
  // While the state's writes fail, more records take no snapshot of every instance each: the
  // retries carry them.
  const taken = snapshots;
  for (let id = 2; id < 6; id++) await s.record({ app: 'web', records: [record(id)] });
  assert.equal(snapshots, taken);
  s.close();
});

test("a journal left without its state file is never applied to a new one, and is dropped by the new file's write", async () => {
  const old = (seq: number, id: number) => JSON.stringify({ seq, app: 'web', records: [record(id)] });
  fs.writeFileSync(`${file}.journal`, `\n${old(1, 1)}\n\n${old(2, 2)}\n`);
  const s = store();
  assert.equal(s.load().state, null);
  await s.save();
  assert.deepEqual(idsOf(loaded().state), [[0, null, 0]]);
  await until(() => !fs.existsSync(`${file}.journal`));
});

test("a daemon numbers its lines after the state file's journalSeq, with no journal file", async () => {
  const journal = new StateJournal(`${file}.journal`);
  journal.read(57);
  await journal.append({ app: 'web', records: [record(1)] });
  assert.equal(JSON.parse(fs.readFileSync(`${file}.journal`, 'utf8').trim()).seq, 58);
});
