// A daemon SIGKILLed while an app writes: the next daemon ends a line the crash cut short and writes
// a marker line before new lines, no two lines are ever glued, and each kill loses at most the one
// pipe read the daemon had in hand (docs/recovery.md, "What can be lost").
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { afterEach, beforeEach, test } from 'node:test';
import type { LogSpec } from '../../src/protocol/app-spec.js';
import { listApps } from '../helpers/daemon.js';
import { classifyNumberedLog } from '../helpers/numbered-log.js';
import { isGone, readDaemonPidFile } from '../helpers/proc.js';
import { fixtureApp } from '../helpers/run-cli.js';
import { createTempHome, type TempHome } from '../helpers/temp-home.js';
import { waitFor } from '../helpers/wait-for.js';
import { linesOf, startApp } from './logs-helpers.js';

let t: TempHome;
beforeEach(() => {
  t = createTempHome();
});
afterEach(async () => {
  await t.cleanup();
});

const MARKER = '[pm] daemon restarted: bytes may be missing here';
/** One pipe read: 64 KiB of 100-byte lines, plus the two it may cut. */
const MAX_LINES_PER_READ = Math.ceil((64 * 1024) / 100) + 1;

/** The last 300 bytes of a file that grows to tens of megabytes. */
function endOf(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const end = Buffer.alloc(300);
    const size = fs.fstatSync(fd).size;
    return end.toString('latin1', 0, fs.readSync(fd, end, 0, end.length, Math.max(0, size - end.length)));
  } finally {
    fs.closeSync(fd);
  }
}

async function killDaemon(): Promise<void> {
  const pid = readDaemonPidFile(t.home)!;
  process.kill(pid, 'SIGKILL');
  await waitFor(() => isGone(pid), { message: `daemon ${pid} gone` });
}

/** The next command starts a daemon, which adopts the running app. */
async function adoptAgain(pid: number): Promise<void> {
  await waitFor(async () => (await listApps(t.env))[0]?.pid === pid, { message: 'the app adopted' });
}

/**
 * A ticking app whose daemon is killed, its log then cut inside a line as a kill in the middle of a
 * write leaves it, and a next daemon started; resolves with the lines after the cut one, once
 * there are `count` of them.
 */
async function linesAfterACut(logs: Partial<LogSpec>, cutLine: string, count: number): Promise<string[]> {
  const [app] = await startApp(t, 'ticker', fixtureApp('print-numbers.js'), { args: ['20'], logs });
  const log = app!.outLog;
  await waitFor(() => linesOf(log).length >= 3, { message: `lines in ${log}` });
  await killDaemon();
  fs.appendFileSync(log, cutLine);
  await adoptAgain(app!.pid!);
  return waitFor(
    () => {
      const found = linesOf(log);
      const cut = found.indexOf(cutLine);
      return cut !== -1 && found.length >= cut + 1 + count ? found.slice(cut + 1, cut + 1 + count) : null;
    },
    { message: `${count} lines after the cut one in ${log}` },
  );
}

test('a line a daemon crash cut short is ended, then a marker line, then the next lines whole', async () => {
  const [marker, next, after] = await linesAfterACut({}, '2026-01-02T03:04:05.678Z 12', 3);
  assert.match(marker!, /^\d{4}-\d\d-\d\dT[\d:.]+Z \[pm\] daemon restarted: bytes may be missing here$/);
  assert.match(next!, /^\d{4}-\d\d-\d\dT[\d:.]+Z \d+$/);
  assert.equal(Number(after!.split(' ')[1]), Number(next!.split(' ')[1]) + 1);
});

test('in json format the marker is a JSON line of the app, like its other lines', async () => {
  const cutLine = '{"ts":"2026-01-02T03:04:05.678Z","app":"ticker","instance":0,"stream":"out","li';
  const records = (await linesAfterACut({ format: 'json' }, cutLine, 2)).map((line) => JSON.parse(line));
  const { ts, ...marker } = records[0];
  assert.deepEqual(marker, { app: 'ticker', instance: 0, stream: 'out', line: MARKER });
  assert.ok(!Number.isNaN(Date.parse(ts)));
  assert.match(records[1].line, /^\d+$/);
});

test('daemon SIGKILLs while an app writes at full speed glue no lines and each lose one read at most', async () => {
  const total = 300_000;
  const kills = 4;
  const [app] = await startApp(t, 'burst', fixtureApp('log-burst.js'), {
    args: [String(total)],
    logs: { maxSizeBytes: 0 },
  });
  const log = app!.outLog;
  const size = () => fs.statSync(log, { throwIfNoEntry: false })?.size ?? 0;
  for (let kill = 0; kill < kills; kill++) {
    // Killed while it writes: each time once the file has grown by another megabyte.
    const grown = size() + 1024 * 1024;
    await waitFor(() => size() > grown, { intervalMs: 5, message: `${log} past ${grown} bytes` });
    await killDaemon();
    await adoptAgain(app!.pid!);
  }
  const last = `seq=${String(total - 1).padStart(7, '0')} `;
  await waitFor(() => endOf(log).includes(last), {
    timeoutMs: 60_000,
    message: `line ${total - 1} in ${log}`,
  });
  const counts = classifyNumberedLog(log);
  assert.equal(counts.merged, 0, `glued lines: ${JSON.stringify(counts)}`);
  assert.equal(counts.duplicated, 0);
  assert.ok(counts.gaps <= kills, `more losses than kills: ${JSON.stringify(counts)}`);
  assert.ok(
    counts.maxGap <= MAX_LINES_PER_READ,
    `one kill lost more than one read: ${JSON.stringify(counts)}`,
  );
});
