// A stream on a real named pipe: asleep (no descriptor for its pipe or its log file) until its app
// writes, awake while it does, asleep again once quiet, and never a line lost in between.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, mock, test } from 'node:test';
import { AwakePipes } from '../../../src/logs/awake-pipes.js';
import { LogFileRegistry } from '../../../src/logs/log-file-registry.js';
import { LogHub } from '../../../src/logs/log-hub.js';
import { OutputStream } from '../../../src/logs/output-stream.js';
import { dirInHome } from '../../../src/logs/private-dir.js';
import { descriptorsOn } from '../../helpers/open-files.js';
import { waitFor } from '../../helpers/wait-for.js';

let dir: string;
let clock: number;
const cleanup: Array<() => void> = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-stream-'));
  clock = 0;
});
afterEach(() => {
  for (const step of cleanup.splice(0).reverse()) step();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Whether the stream holds its pipe (the test holds the app's end, one more) or its log file. */
const holdsPipe = (pipe: string): boolean => descriptorsOn(pipe) > 1;
const holds = (file: string): boolean => descriptorsOn(file) > 0;

function setup(max = 100) {
  const now = () => clock;
  const files = new LogFileRegistry({
    events: { record: () => {} },
    fallbackDirs: [dirInHome(path.join(dir, 'fallback'))],
    home: dir,
    now,
    retryMs: 1000,
  });
  const deps = {
    hub: new LogHub(),
    awake: new AwakePipes({ max: () => max, idleMs: 40, now }),
    now,
    partialFlushMs: 200,
  };
  /** `waiting`: what the app wrote before the stream opened (while no daemon read). */
  const stream = (name: string, waiting = '') => {
    const pipePath = path.join(dir, `${name}.out`);
    const logPath = path.join(dir, `${name}.out.log`);
    execFileSync('mkfifo', [pipePath]);
    // The app's end, held read-write as a child's is.
    const appFd = fs.openSync(pipePath, fs.constants.O_RDWR);
    if (waiting) fs.writeSync(appFd, waiting);
    const file = files.acquire(logPath, { maxSizeBytes: 0, maxFiles: 1, compress: false }, { app: name });
    const sink = { file, format: (lines: Buffer) => lines, timestamped: false, wholeLinesOnly: false };
    const output = new OutputStream({ app: name, index: 0, stream: 'out' }, pipePath, sink, deps);
    cleanup.push(() => {
      output.close();
      files.release(file);
      fs.closeSync(appFd);
    });
    output.open();
    return { output, pipePath, logPath, write: (text: string) => fs.writeSync(appFd, text), deps };
  };
  return { stream, deps };
}

const lines = (file: string): string[] =>
  fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').slice(0, -1) : [];

test('a quiet stream holds no descriptor; a write wakes it and the line lands; quiet again, it lets go', async () => {
  const { stream, deps } = setup();
  const s = stream('web');
  assert.equal(holdsPipe(s.pipePath), false, 'the pipe is not held before the app writes');
  assert.equal(holds(s.logPath), false, 'nor is the log file');

  s.write('one\n');
  await waitFor(() => lines(s.logPath).length === 1, { message: 'the first line in the log' });
  assert.equal(holdsPipe(s.pipePath), true, 'awake while the app writes');
  assert.equal(deps.awake.size, 1);

  clock += 1000;
  await waitFor(() => !holdsPipe(s.pipePath) && !holds(s.logPath), { message: 'pipe and log let go' });
  s.write('two\nthree\n');
  await waitFor(() => lines(s.logPath).length === 3, { message: 'the lines after the sleep' });
  assert.deepEqual(lines(s.logPath), ['one', 'two', 'three']);
});

test('what waits in a pipe when its stream opens is written at once, and a later write wakes it', async () => {
  const { stream } = setup();
  const s = stream('early', 'written while no daemon read\n');
  assert.deepEqual(lines(s.logPath), ['written while no daemon read']);
  s.write('later\n');
  await waitFor(() => lines(s.logPath).length === 2, { message: 'the later line' });
});

test('past the budget the streams take turns, and every line of every stream lands in order', async () => {
  const { stream, deps } = setup(2);
  const streams = ['a', 'b', 'c', 'd', 'e'].map((name) => stream(name));
  for (let round = 0; round < 50; round++) {
    for (const s of streams) s.write(`${round}\n`);
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(deps.awake.size <= 2, `at most 2 pipes open (${deps.awake.size})`);
  }
  const expected = Array.from({ length: 50 }, (_, i) => String(i));
  for (const s of streams) {
    await waitFor(() => lines(s.logPath).length === 50, { message: `all of ${s.logPath}` });
    assert.deepEqual(lines(s.logPath), expected);
  }
});

test('the periodic check of a sleeping pipe writes what waits there and wakes it (a watch event lost)', () => {
  const { stream, deps } = setup();
  const s = stream('missed');
  s.write('no event seen yet\n');
  // Before the loop runs the watch's callback: as if its event had been dropped.
  s.output.check();
  assert.deepEqual(lines(s.logPath), ['no event seen yet']);
  assert.equal(holdsPipe(s.pipePath), true);
  assert.equal(deps.awake.size, 1);
});

test("at a run's end its last lines are written at once, before the watch's event is handled", () => {
  const { stream } = setup();
  const s = stream('ending');
  s.write('last words\n');
  s.output.drainNow();
  assert.deepEqual(lines(s.logPath), ['last words']);
});

test('close writes what is still in a sleeping pipe and ends its unfinished line', () => {
  const { stream } = setup();
  const s = stream('last');
  s.write('whole\nno newline yet');
  s.output.close();
  assert.deepEqual(lines(s.logPath), ['whole', 'no newline yet']);
});

test('with no inotify watch left, a pipe stays open outside the budget, and its lines still land', async () => {
  const watch = mock.method(fs, 'watch', () => {
    throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), {
      code: 'ENOSPC',
    });
  });
  try {
    const { stream, deps } = setup(1);
    const s = stream('unwatched');
    assert.equal(holdsPipe(s.pipePath), true, 'read at once: no watch would wake it');
    s.write('one\n');
    await waitFor(() => lines(s.logPath).length === 1, { message: 'the line in the log' });
    clock += 1000;
    // A second one past the budget of 1: neither counts against it, and none is put to sleep.
    const other = stream('other');
    other.write('two\n');
    await waitFor(() => lines(other.logPath).length === 1, { message: "the other's line" });
    assert.equal(deps.awake.size, 0);
    assert.equal(holdsPipe(s.pipePath), true);
  } finally {
    watch.mock.restore();
  }
});
