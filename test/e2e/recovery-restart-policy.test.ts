// The restart policy with real processes: crash loops give up, delays and backoff are honoured,
// a stable run resets the count, errored retries after retry_after, and `pm reset` clears it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { PmEvent } from '../../src/protocol/events.js';
import { listApps } from '../helpers/daemon.js';
import { readEvents } from '../helpers/recovery.js';
import { fixtureApp, pm } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const t = setupTempHome();

async function waitForStatus(status: string, timeoutMs = 20_000) {
  return waitFor(
    async () => {
      const [info] = await listApps(t.env);
      return info?.status === status ? info : null;
    },
    { timeoutMs, message: `status ${status}` },
  );
}

const ofType = (events: PmEvent[], type: PmEvent['type']) => events.filter((e) => e.type === type);

test('a crash loop reaches errored (crash-loop) after max_restarts, with an alert; pm reset starts it afresh', async () => {
  await pm(
    [
      'start',
      fixtureApp('exit-with.js'),
      '--name',
      'loop',
      '--max-restarts',
      '3',
      '--min-uptime',
      '10s',
      '--backoff',
      '0',
      '--retry-after',
      'never',
      '--',
      '2',
      '50',
    ],
    t.env,
  );
  const errored = await waitForStatus('errored');
  assert.equal(errored.restarts, 3);
  assert.match(errored.reason, /^crash-loop: exited with code 2; 3 restarts within 60s$/);
  assert.equal(errored.restartAt, null, 'retry_after never: no retry is scheduled');
  const events = readEvents(t.home, 'loop');
  assert.equal(ofType(events, 'started').length, 4);
  const [gaveUp] = ofType(events, 'errored');
  assert.equal(gaveUp?.severity, 'alert');
  assert.equal(gaveUp?.data?.reason, 'crash-loop');

  const reply = JSON.parse((await pm(['reset', 'loop', '--json'], t.env)).stdout);
  assert.notEqual(reply[0].status, 'errored');
  assert.equal(reply[0].restarts, 0);
  await waitFor(() => ofType(readEvents(t.home, 'loop'), 'started').length === 5, {
    message: 'a fifth run after reset',
  });
});

test('restart_delay and the exponential backoff are honoured between runs', async () => {
  await pm(
    [
      'start',
      fixtureApp('exit-with.js'),
      '--name',
      'slow',
      '--restart-delay',
      '150ms',
      '--min-uptime',
      '10s',
      '--max-restarts',
      '4',
      '--retry-after',
      'never',
      '--',
      '1',
      '20',
    ],
    t.env,
  );
  await waitForStatus('errored', 30_000);
  const events = readEvents(t.home, 'slow').filter((e) => e.type === 'exited' || e.type === 'started');
  // started, exited, started, exited, ... : each restart's delay is in its exited event.
  const delays: number[] = [];
  for (let i = 1; i + 1 < events.length; i += 2) {
    const [exited, started] = [events[i]!, events[i + 1]!];
    assert.deepEqual([exited.type, started.type], ['exited', 'started']);
    const delayMs = Number(exited.data?.restartDelayMs);
    delays.push(delayMs);
    const gapMs = started.ts - exited.ts;
    // The exit is stamped when the process is reaped, a few ms before its event is written.
    assert.ok(
      gapMs >= delayMs - 50,
      `restart ${delays.length} came ${gapMs} ms after the exit, delay ${delayMs}`,
    );
    assert.ok(gapMs < delayMs + 5_000, `restart ${delays.length} came ${gapMs} ms after the exit`);
  }
  // restart_delay 150 ms wins over a shorter backoff (100, 200 ...), then the backoff doubles.
  assert.deepEqual(delays, [150, 150, 200, 400]);
});

test('a stable run resets the crash-loop count', async () => {
  const runs = path.join(t.home, 'runs');
  // Two short runs, a stable one (longer than min_uptime), then short runs until it gives up.
  await pm(
    [
      'start',
      fixtureApp('crash-plan.js'),
      '--name',
      'plan',
      '--max-restarts',
      '2',
      '--min-uptime',
      '1500ms',
      '--backoff',
      '0',
      '--retry-after',
      'never',
      '--',
      runs,
      '10,10,2500,10',
    ],
    t.env,
  );
  const errored = await waitForStatus('errored', 30_000);
  // Without the reset the 4th run would give up (3 restarts within the window); with it, the 5th.
  const runCount = fs.readFileSync(runs, 'utf8').trim().split('\n').length;
  assert.equal(runCount, 5);
  assert.equal(errored.restarts, 4);
});

test('an errored crash loop tries again after retry_after with a fresh count', async () => {
  await pm(
    [
      'start',
      fixtureApp('exit-with.js'),
      '--name',
      'retry',
      '--max-restarts',
      '1',
      '--min-uptime',
      '10s',
      '--backoff',
      '0',
      '--retry-after',
      '1s',
      '--',
      '1',
      '20',
    ],
    t.env,
  );
  const events = await waitFor(
    () => {
      const all = readEvents(t.home, 'retry');
      return ofType(all, 'errored').length >= 2 ? all : null;
    },
    { timeoutMs: 30_000, message: 'a second give-up after the retry' },
  );
  const [first, second] = ofType(events, 'errored');
  assert.match(first!.message, /retrying in 1000 ms/);
  const startsBetween = ofType(events, 'started').filter((e) => e.ts > first!.ts && e.ts < second!.ts);
  // A fresh count: the retry runs twice (one restart allowed) before it gives up again.
  assert.equal(startsBetween.length, 2);
  assert.match(startsBetween[0]!.message, /out of errored/);
  assert.ok(startsBetween[0]!.ts - first!.ts >= 900, 'the retry waited retry_after');
});

test('stop_exit_codes and --restart-mode on-failure leave a clean exit stopped', async () => {
  await pm(
    ['start', fixtureApp('exit-with.js'), '--name', 'done', '--stop-exit-codes', '7', '--', '7', '20'],
    t.env,
  );
  const stopped = await waitForStatus('stopped');
  assert.deepEqual([stopped.restarts, stopped.lastExit?.code], [0, 7]);

  await pm(
    ['start', fixtureApp('exit-with.js'), '--name', 'clean', '--restart-mode', 'on-failure', '--', '0', '20'],
    t.env,
  );
  const clean = await waitFor(
    async () => (await listApps(t.env)).find((p) => p.name === 'clean' && p.status === 'stopped'),
    { message: 'clean to stop' },
  );
  assert.equal(clean.restarts, 0);
});
