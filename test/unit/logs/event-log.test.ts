import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { EventLog } from '../../../src/logs/event-log.js';
import { rotatedFiles } from '../../../src/logs/rotated-files.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-events-'));
  file = path.join(dir, 'events.log');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function eventLog(maxSizeBytes: number, maxFiles = 2): EventLog {
  let clock = 0;
  return new EventLog(file, () => (clock += 1000), { maxSizeBytes, maxFiles });
}

const started = (app: string) => ({ type: 'started', severity: 'info', app, message: 'started' }) as const;

test('read gives the last N events oldest first, and only those at or after since', () => {
  const log = eventLog(0);
  for (let i = 0; i < 10; i++) log.record(started(`a${i}`));
  assert.deepEqual(
    log.read(3).map((e) => e.app),
    ['a7', 'a8', 'a9'],
  );
  assert.deepEqual(
    log.read(100, 8000).map((e) => e.ts),
    [8000, 9000, 10_000],
  );
  assert.deepEqual(log.read(0), []);
});

test('events.log rotates at its size limit, keeps max files, and read continues into the rotated file', () => {
  const log = eventLog(400, 2);
  for (let i = 0; i < 40; i++) log.record(started(`a${i}`));
  assert.ok(fs.statSync(file).size <= 400);
  assert.equal(rotatedFiles(file).length, 2);
  const recent = log.read(8);
  assert.deepEqual(
    recent.map((e) => e.app),
    Array.from({ length: 8 }, (_, i) => `a${32 + i}`),
  );
});

test('a torn last line (a crash mid-write) is skipped', () => {
  const log = eventLog(0);
  log.record(started('ok'));
  fs.appendFileSync(file, '{"ts":5,"type":"sta');
  assert.deepEqual(
    log.read(10).map((e) => e.app),
    ['ok'],
  );
});

test('subscribers get each event as it is recorded', () => {
  const log = eventLog(0);
  const seen: string[] = [];
  const unsubscribe = log.subscribe((e) => seen.push(e.app!));
  log.record(started('one'));
  unsubscribe();
  log.record(started('two'));
  assert.deepEqual(seen, ['one']);
});
