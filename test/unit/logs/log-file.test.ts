import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { LogFile, type LogFileOptions } from '../../../src/logs/log-file.js';
import { dirInHome } from '../../../src/logs/private-dir.js';
import { rotatedFiles } from '../../../src/logs/rotated-files.js';
import type { PmEventInput } from '../../../src/protocol/events.js';
import { descriptorsOn } from '../../helpers/open-files.js';
import { waitFor } from '../../helpers/wait-for.js';

let dir: string;
let events: PmEventInput[];
const open: LogFile[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-logfile-'));
  events = [];
});
afterEach(() => {
  for (const file of open.splice(0)) file.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const NO_ROTATION: LogFileOptions = { maxSizeBytes: 0, maxFiles: 5, compress: false };

function logFile(name: string, options: LogFileOptions = NO_ROTATION, retryMs = 20): LogFile {
  let clock = Date.parse('2026-01-01T00:00:00.000Z');
  const deps = {
    events: { record: (event: PmEventInput) => events.push(event) },
    fallbackDirs: [dirInHome(path.join(dir, 'fallback'))],
    home: dir,
    now: () => (clock += 1000),
    retryMs,
  };
  const file = new LogFile(path.join(dir, name), options, deps, { app: 'web', index: 0 });
  file.open();
  open.push(file);
  return file;
}

const numbered = (from: number, count: number, width = 10) =>
  Buffer.from(
    Array.from({ length: count }, (_, i) => `${String(from + i).padStart(width - 1, '0')}\n`).join(''),
  );

function readLines(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n').slice(0, -1);
}

/** One stream writing (several tests use two). */
const app = {};

function closed(file: LogFile): void {
  file.close();
  open.splice(open.indexOf(file), 1);
}

test('blocks written in a burst all land, in order, in the file', async () => {
  const file = logFile('a.log');
  for (let i = 0; i < 1000; i++) file.write(numbered(i * 10, 10), app);
  closed(file);
  const lines = readLines(file.path).map(Number);
  assert.equal(lines.length, 10_000);
  assert.ok(lines.every((n, i) => n === i));
});

test('a block is in the file when write returns: nothing read waits in memory', () => {
  const file = logFile('b.log');
  file.write(numbered(0, 5000), app);
  assert.equal(fs.statSync(file.path).size, 50_000);
  file.write(numbered(5000, 1), app);
  assert.equal(readLines(file.path).at(-1), '000005000');
});

test('a file rotates before it passes max size, keeps max files, and no line is cut or lost', async () => {
  const file = logFile('c.log', { maxSizeBytes: 1000, maxFiles: 3, compress: false });
  for (let i = 0; i < 100; i++) file.write(numbered(i * 7, 7), app); // 7,000 bytes in blocks of 70
  closed(file);
  const rotated = rotatedFiles(file.path);
  assert.equal(rotated.length, 3);
  for (const f of [file.path, ...rotated]) {
    assert.ok(fs.statSync(f).size <= 1000, `${f} is ${fs.statSync(f).size} bytes`);
  }
  const kept = [...rotated].reverse().concat(file.path).flatMap(readLines).map(Number);
  // The newest 4 files are kept: a contiguous run of whole lines ending at the last one written.
  assert.equal(kept.at(-1), 699);
  assert.ok(kept.every((n, i) => i === 0 || n === kept[i - 1]! + 1));
  assert.ok(kept.length >= 300);
});

test('a block bigger than max size is split at a line boundary across files', async () => {
  const file = logFile('d.log', { maxSizeBytes: 100, maxFiles: 10, compress: false });
  file.write(numbered(0, 25), app); // 250 bytes
  closed(file);
  const sizes = [file.path, ...rotatedFiles(file.path)].map((f) => fs.statSync(f).size).sort();
  assert.deepEqual(sizes, [100, 100, 50]);
});

test('rotated files are gzipped in the background when compress is on', async () => {
  const file = logFile('e.log', { maxSizeBytes: 100, maxFiles: 2, compress: true });
  file.write(numbered(0, 10), app);
  file.write(numbered(10, 10), app);
  closed(file);
  const [gz] = await waitFor(() => {
    const files = rotatedFiles(file.path);
    return files.length === 1 && files[0]!.endsWith('.gz') ? files : null;
  });
  const { gunzipSync } = await import('node:zlib');
  assert.equal(gunzipSync(fs.readFileSync(gz!)).toString(), numbered(0, 10).toString());
});

test('truncate empties the file and writing goes on at its start', async () => {
  const file = logFile('f.log');
  file.write(numbered(0, 5), app);
  await waitFor(() => fs.statSync(file.path).size === 50);
  file.truncate();
  file.write(numbered(5, 1), app);
  closed(file);
  assert.deepEqual(readLines(file.path), ['000000005']);
});

test('truncate also drops a line left open: its rest starts the emptied file as a line of its own', () => {
  const file = logFile('f2.log');
  file.write(Buffer.from('000000000\nPassword: '), app);
  file.truncate();
  assert.equal(file.continues(app), false);
  file.write(Buffer.from('ok\n'), app);
  closed(file);
  assert.deepEqual(readLines(file.path), ['ok']);
});

test('a directory replaced by a file sends lines to the fallback with an event, and back once repaired', async () => {
  const logDir = path.join(dir, 'logs');
  fs.mkdirSync(logDir);
  const file = logFile('logs/g.log');
  file.write(numbered(0, 2), app);
  await waitFor(() => fs.existsSync(file.path) && fs.statSync(file.path).size === 20);

  fs.rmSync(logDir, { recursive: true });
  fs.writeFileSync(logDir, 'not a directory');
  file.write(numbered(2, 2), app);
  const fallback = path.join(dir, 'fallback', 'g.log');
  await waitFor(() => fs.existsSync(fallback) && readLines(fallback).length === 2);
  assert.equal(file.isOnFallback, true);
  const failed = events.find((e) => e.type === 'log-fallback');
  assert.ok(failed, 'no log-fallback event');
  assert.match(failed.message, /ENOTDIR/);
  assert.equal(failed.data?.fallback, fallback);

  fs.rmSync(logDir);
  await waitFor(() => events.some((e) => e.type === 'log-restored'), { message: 'a log-restored event' });
  file.write(numbered(4, 2), app);
  closed(file);
  assert.deepEqual(readLines(fallback), ['000000002', '000000003']);
  assert.deepEqual(readLines(file.path), ['000000004', '000000005']);
});

test('a fallback file rotates at max size too, and keeps max files', async () => {
  const logDir = path.join(dir, 'logs');
  fs.writeFileSync(logDir, 'not a directory');
  const file = logFile('logs/h.log', { maxSizeBytes: 1000, maxFiles: 2, compress: false }, 60_000);
  for (let i = 0; i < 50; i++) file.write(numbered(i * 7, 7), app); // 3,500 bytes in blocks of 70
  closed(file);
  const fallback = path.join(dir, 'fallback', 'h.log');
  const rotated = rotatedFiles(fallback);
  assert.equal(rotated.length, 2);
  for (const f of [fallback, ...rotated]) {
    assert.ok(fs.statSync(f).size <= 1000, `${f} is ${fs.statSync(f).size} bytes`);
  }
  const kept = [...rotated].reverse().concat(fallback).flatMap(readLines).map(Number);
  assert.equal(kept.at(-1), 349);
  assert.ok(
    kept.every((n, i) => i === 0 || n === kept[i - 1]! + 1),
    'the kept lines are not one run',
  );
});

test('a file deleted under the writer is recreated at the same path, with no fallback', async () => {
  const file = logFile('h.log');
  file.write(numbered(0, 1), app);
  await waitFor(() => fs.existsSync(file.path) && fs.statSync(file.path).size === 10);
  fs.rmSync(file.path);
  file.write(numbered(1, 1), app);
  closed(file);
  assert.deepEqual(readLines(file.path), ['000000001']);
  assert.equal(events.length, 0);
});

test('a line left open is continued by its writer, and ended before another writer writes', () => {
  const file = logFile('open.log');
  const other = {};
  file.write(Buffer.from('a1\npart'), app);
  assert.equal(fs.readFileSync(file.path, 'utf8'), 'a1\npart');
  assert.equal(file.continues(app), true);
  assert.equal(file.continues(other), false);
  file.write(Buffer.from('ial\nopen'), app);
  file.write(Buffer.from('b1\n'), other);
  file.endLine(app); // no longer its line: nothing to end
  file.write(Buffer.from('x\n'), app);
  closed(file);
  assert.deepEqual(readLines(file.path), ['a1', 'partial', 'open', 'b1', 'x']);
});

test('endLine and close end a line left open with a newline', () => {
  const file = logFile('end.log');
  file.write(Buffer.from('prompt: '), app);
  file.endLine(app);
  file.write(Buffer.from('dangling'), app);
  closed(file);
  assert.equal(fs.readFileSync(file.path, 'utf8'), 'prompt: \ndangling\n');
});

test('a file that ends inside a line when opened says so, and the first write ends that line', () => {
  const logPath = path.join(dir, 'torn.log');
  fs.writeFileSync(logPath, 'whole\ncut sho');
  const file = logFile('torn.log');
  assert.equal(file.openedInsideLine, true);
  file.write(Buffer.from('next\n'), app);
  assert.equal(file.openedInsideLine, false);
  closed(file);
  assert.deepEqual(readLines(logPath), ['whole', 'cut sho', 'next']);
  assert.equal(logFile('torn.log').openedInsideLine, false);
});

test('rotation moves a line begun in the full file whole into the next one', () => {
  const file = logFile('rot.log', { maxSizeBytes: 28, maxFiles: 5, compress: false });
  file.write(numbered(0, 2), app); // 20 bytes
  file.write(Buffer.from('0000'), app); // 24: a line begun
  file.write(Buffer.from('00002\n000000003\n'), app); // its rest would take the file past 28
  closed(file);
  const [rotated] = rotatedFiles(file.path);
  assert.deepEqual(readLines(rotated!), ['000000000', '000000001']);
  assert.deepEqual(readLines(file.path), ['000000002', '000000003']);
});

test('a failing file moves the line begun in it whole to the fallback', async () => {
  const logDir = path.join(dir, 'logs');
  fs.mkdirSync(logDir);
  const file = logFile('logs/fail.log');
  file.write(Buffer.from('000000000\n0000'), app);
  fs.rmSync(logDir, { recursive: true });
  fs.writeFileSync(logDir, 'not a directory');
  file.write(Buffer.from('00001\n'), app);
  closed(file);
  assert.deepEqual(readLines(path.join(dir, 'fallback', 'fail.log')), ['000000001']);
});

test("a link planted in pm's home in place of a log file is never written through: the lines go to the fallback", () => {
  const target = path.join(dir, 'victim');
  fs.writeFileSync(target, 'keep me\n');
  fs.symlinkSync(target, path.join(dir, 'planted.log'));
  const file = logFile('planted.log');
  file.write(numbered(0, 3), app);
  assert.equal(fs.readFileSync(target, 'utf8'), 'keep me\n');
  assert.deepEqual(readLines(path.join(dir, 'fallback', 'planted.log')), [
    '000000000',
    '000000001',
    '000000002',
  ]);
  assert.equal(events[0]?.type, 'log-fallback');
});

const held = (file: string): boolean => descriptorsOn(file) > 0;

test('with no writer awake the file is closed between writes; with one awake it stays open', () => {
  const file = logFile('a.log');
  const at = path.join(dir, 'a.log');
  file.write(Buffer.from('quiet\n'), app);
  assert.equal(held(at), false);
  file.wake();
  file.write(Buffer.from('busy\n'), app);
  assert.equal(held(at), true);
  file.rest();
  assert.equal(held(at), false);
  // Removed while closed: the next write makes a new file, with the start of an open line moved whole.
  file.write(Buffer.from('par'), app);
  fs.rmSync(at);
  file.write(Buffer.from('tial\n'), app);
  assert.deepEqual(readLines(at), ['partial']);
});

test('pm flush of a file closed between writes never truncates through a link planted in its place', () => {
  const file = logFile('a.log');
  file.write(Buffer.from('line\n'), app);
  const outside = path.join(dir, 'outside');
  fs.writeFileSync(outside, 'keep me\n');
  fs.rmSync(path.join(dir, 'a.log'));
  fs.symlinkSync(outside, path.join(dir, 'a.log'));
  assert.throws(() => file.truncate());
  assert.equal(fs.readFileSync(outside, 'utf8'), 'keep me\n');
});
