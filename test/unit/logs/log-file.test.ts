import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { HIGH_WATER_BYTES, LogFile, type LogFileOptions } from '../../../src/logs/log-file.js';
import { rotatedFiles } from '../../../src/logs/rotated-files.js';
import type { PmEventInput } from '../../../src/protocol/events.js';
import { waitFor } from '../../helpers/wait-for.js';

let dir: string;
let events: PmEventInput[];
const open: LogFile[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-logfile-'));
  events = [];
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((file) => file.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

const NO_ROTATION: LogFileOptions = { maxSizeBytes: 0, maxFiles: 5, compress: false };

function logFile(name: string, options: LogFileOptions = NO_ROTATION, retryMs = 20): LogFile {
  let clock = Date.parse('2026-01-01T00:00:00.000Z');
  const file = new LogFile(path.join(dir, name), options, {
    events: { record: (event) => events.push(event) },
    fallbackDirs: [path.join(dir, 'fallback')],
    label: { app: 'web', index: 0 },
    now: () => (clock += 1000),
    retryMs,
  });
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

async function settled(file: LogFile): Promise<void> {
  await file.close();
  open.splice(open.indexOf(file), 1);
}

test('blocks written in a burst all land, in order, in the file', async () => {
  const file = logFile('a.log');
  for (let i = 0; i < 1000; i++) file.write(numbered(i * 10, 10));
  await settled(file);
  const lines = readLines(file.path).map(Number);
  assert.equal(lines.length, 10_000);
  assert.ok(lines.every((n, i) => n === i));
});

test('write asks the caller to wait above the high-water mark, and drain says when to go on', async () => {
  const file = logFile('b.log');
  const linesPerBlock = Math.ceil(HIGH_WATER_BYTES / 10 / 4);
  const block = numbered(0, linesPerBlock);
  const results = Array.from({ length: 6 }, () => file.write(block));
  assert.equal(results.at(-1), false);
  await new Promise<void>((resolve) => file.once('drain', resolve));
  await settled(file);
  assert.equal(readLines(file.path).length, 6 * linesPerBlock);
});

test('a file rotates before it passes max size, keeps max files, and no line is cut or lost', async () => {
  const file = logFile('c.log', { maxSizeBytes: 1000, maxFiles: 3, compress: false });
  for (let i = 0; i < 100; i++) file.write(numbered(i * 7, 7)); // 7,000 bytes in blocks of 70
  await settled(file);
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
  file.write(numbered(0, 25)); // 250 bytes
  await settled(file);
  const sizes = [file.path, ...rotatedFiles(file.path)].map((f) => fs.statSync(f).size).sort();
  assert.deepEqual(sizes, [100, 100, 50]);
});

test('rotated files are gzipped in the background when compress is on', async () => {
  const file = logFile('e.log', { maxSizeBytes: 100, maxFiles: 2, compress: true });
  file.write(numbered(0, 10));
  file.write(numbered(10, 10));
  await settled(file);
  const [gz] = await waitFor(() => {
    const files = rotatedFiles(file.path);
    return files.length === 1 && files[0]!.endsWith('.gz') ? files : null;
  });
  const { gunzipSync } = await import('node:zlib');
  assert.equal(gunzipSync(fs.readFileSync(gz!)).toString(), numbered(0, 10).toString());
});

test('truncate empties the file and writing goes on at its start', async () => {
  const file = logFile('f.log');
  file.write(numbered(0, 5));
  await waitFor(() => fs.statSync(file.path).size === 50);
  file.truncate();
  file.write(numbered(5, 1));
  await settled(file);
  assert.deepEqual(readLines(file.path), ['000000005']);
});

test('a directory replaced by a file sends lines to the fallback with an event, and back once repaired', async () => {
  const logDir = path.join(dir, 'logs');
  fs.mkdirSync(logDir);
  const file = logFile('logs/g.log');
  file.write(numbered(0, 2));
  await waitFor(() => fs.existsSync(file.path) && fs.statSync(file.path).size === 20);

  fs.rmSync(logDir, { recursive: true });
  fs.writeFileSync(logDir, 'not a directory');
  file.write(numbered(2, 2));
  const fallback = path.join(dir, 'fallback', 'g.log');
  await waitFor(() => fs.existsSync(fallback) && readLines(fallback).length === 2);
  assert.equal(file.isOnFallback, true);
  const failed = events.find((e) => e.type === 'log-fallback');
  assert.ok(failed, 'no log-fallback event');
  assert.match(failed.message, /ENOTDIR/);
  assert.equal(failed.data?.fallback, fallback);

  fs.rmSync(logDir);
  await waitFor(() => events.some((e) => e.type === 'log-restored'), { message: 'a log-restored event' });
  file.write(numbered(4, 2));
  await settled(file);
  assert.deepEqual(readLines(fallback), ['000000002', '000000003']);
  assert.deepEqual(readLines(file.path), ['000000004', '000000005']);
});

test('a fallback file rotates at max size too, and keeps max files', async () => {
  const logDir = path.join(dir, 'logs');
  fs.writeFileSync(logDir, 'not a directory');
  const file = logFile('logs/h.log', { maxSizeBytes: 1000, maxFiles: 2, compress: false }, 60_000);
  for (let i = 0; i < 50; i++) file.write(numbered(i * 7, 7)); // 3,500 bytes in blocks of 70
  await settled(file);
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
  file.write(numbered(0, 1));
  await waitFor(() => fs.existsSync(file.path) && fs.statSync(file.path).size === 10);
  fs.rmSync(file.path);
  file.write(numbered(1, 1));
  await settled(file);
  assert.deepEqual(readLines(file.path), ['000000001']);
  assert.equal(events.length, 0);
});
