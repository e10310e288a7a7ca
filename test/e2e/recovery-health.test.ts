// Health probes against real servers and commands: http, tcp and exec liveness probes mark the
// instance unhealthy and restart it, and a probe that hangs is cut at its timeout.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { ProcessInfo } from '../../src/protocol/process-info.js';
import { listApps } from '../helpers/daemon.js';
import { isGone } from '../helpers/proc.js';
import { freePort, readEvents } from '../helpers/recovery.js';
import { fixtureApp, pm } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const t = setupTempHome();

// Fast probes; failures in the first 1.5 s of a run (node starting up) do not count.
const FAST_PROBES = [
  '--health-interval',
  '200ms',
  '--health-threshold',
  '2',
  '--health-start-period',
  '1500ms',
];

function waitForInfo(check: (info: ProcessInfo) => boolean, message: string, timeoutMs = 15_000) {
  return waitFor(
    async () => {
      const [info] = await listApps(t.env);
      return info && check(info) ? info : null;
    },
    { timeoutMs, message },
  );
}

/** The health-changed event that restarted the instance. */
function waitForLivenessRestart(app: string) {
  return waitFor(
    () =>
      readEvents(t.home, app).find((e) => e.type === 'health-changed' && e.message.endsWith('; restarting')),
    { timeoutMs: 15_000, message: `a liveness restart of ${app}` },
  );
}

test('an http liveness probe marks the instance healthy, then unhealthy on HTTP 500, and restarts it', async () => {
  const port = await freePort();
  const flag = path.join(t.home, 'fail');
  const url = `http://127.0.0.1:${port}/health`;
  await pm(
    [
      'start',
      fixtureApp('health-server.js'),
      '--name',
      'web',
      '--health-http',
      url,
      ...FAST_PROBES,
      '--',
      String(port),
      flag,
      '500',
    ],
    t.env,
  );
  const healthy = await waitForInfo((p) => p.health === 'healthy', 'healthy');
  assert.equal(JSON.parse((await pm(['list', '--json'], t.env)).stdout)[0].health, 'healthy');

  fs.writeFileSync(flag, '');
  const event = await waitForLivenessRestart('web');
  assert.equal(
    event.message,
    `health healthy → unhealthy: liveness probe http GET ${url} failed 2 times in a row (last: HTTP 500); restarting`,
  );
  assert.deepEqual(
    [event.data?.from, event.data?.to, event.data?.probe],
    ['healthy', 'unhealthy', 'liveness'],
  );
  fs.rmSync(flag);
  const again = await waitForInfo(
    (p) => p.pid !== healthy.pid && p.health === 'healthy',
    'a new healthy run',
  );
  assert.ok(again.restarts >= 1);
  assert.ok(isGone(healthy.pid!), 'the unhealthy run is gone');
});

test('a tcp liveness probe restarts an instance that stops accepting connections', async () => {
  const port = await freePort();
  const flag = path.join(t.home, 'fail');
  await pm(
    [
      'start',
      fixtureApp('health-server.js'),
      '--name',
      'db',
      '--health-tcp',
      String(port),
      ...FAST_PROBES,
      '--',
      String(port),
      flag,
      'close',
    ],
    t.env,
  );
  const healthy = await waitForInfo((p) => p.health === 'healthy', 'healthy');
  fs.writeFileSync(flag, '');
  const event = await waitForLivenessRestart('db');
  assert.match(
    event.message,
    new RegExp(
      `liveness probe tcp 127\\.0\\.0\\.1:${port} failed 2 times in a row \\(last: connect ECONNREFUSED`,
    ),
  );
  await waitForInfo((p) => p.pid !== null && p.pid !== healthy.pid, 'a new run');
});

test('an exec liveness probe restarts the instance when the command fails', async () => {
  const flag = path.join(t.home, 'fail');
  await pm(
    ['start', fixtureApp('forever.js'), '--name', 'job', '--health-cmd', `test ! -e ${flag}`, ...FAST_PROBES],
    t.env,
  );
  const healthy = await waitForInfo((p) => p.health === 'healthy', 'healthy');
  fs.writeFileSync(flag, '');
  const event = await waitForLivenessRestart('job');
  assert.match(
    event.message,
    /liveness probe exec "test ! -e .*" failed 2 times in a row \(last: exited with code 1\)/,
  );
  await waitForInfo((p) => p.pid !== null && p.pid !== healthy.pid, 'a new run');
});

test('a hanging probe is killed at its timeout, never overlaps the next, and counts as a failure', async () => {
  const probePids = path.join(t.home, 'probe.pids');
  const command = `echo $$ >> ${probePids}; exec sleep 30`;
  await pm(
    [
      'start',
      fixtureApp('forever.js'),
      '--name',
      'stuck',
      '--health-cmd',
      command,
      '--health-timeout',
      '300ms',
      ...FAST_PROBES,
    ],
    t.env,
  );
  const readPids = () =>
    fs.existsSync(probePids) ? fs.readFileSync(probePids, 'utf8').trim().split('\n').map(Number) : [];
  // Sample while probes run: never two probe processes of the instance alive at once.
  const event = await waitFor(
    () => {
      const alive = readPids().filter((pid) => !isGone(pid));
      assert.ok(alive.length <= 1, `probes overlap: ${alive.join(', ')}`);
      return readEvents(t.home, 'stuck').find(
        (e) => e.type === 'health-changed' && e.data?.to === 'unhealthy',
      );
    },
    { timeoutMs: 15_000, intervalMs: 20, message: 'unhealthy' },
  );
  assert.match(event.message, /failed 2 times in a row \(last: timed out after 300 ms\); restarting/);
  const pids = readPids();
  assert.ok(pids.length >= 2);
  // Every probe but the one possibly running now is gone.
  await waitFor(() => pids.slice(0, -1).every(isGone), {
    timeoutMs: 2_000,
    message: 'timed-out probes gone',
  });
});
