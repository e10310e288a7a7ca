// Schedules: a task with cron: runs when due and never twice at once (the skipped run is an event),
// is not run when it is defined, a service with cron_restart: is restarted, and a bad expression or
// time zone is a config error with its line.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { listApps } from '../helpers/daemon.js';
import { readEvents } from '../helpers/recovery.js';
import { pm, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const t = setupTempHome();

function writeConfig(apps: string): string {
  const file = path.join(t.home, 'pm.yaml');
  fs.writeFileSync(file, `apps:\n${apps}`);
  return file;
}

test('a task that runs every second runs at least twice in three seconds and never overlaps itself', async () => {
  const marks = path.join(t.home, 'runs');
  // Each run takes 1.3 s: the run due one second after it starts is still going, and is skipped.
  await pm(
    [
      'start',
      writeConfig(`  - name: tick
    type: task
    command: sh -c 'echo start >> ${marks}; sleep 1.3; echo end >> ${marks}'
    cron: "* * * * * *"
`),
    ],
    t.env,
  );
  const lines = await waitFor(
    () => {
      const text = fs.existsSync(marks) ? fs.readFileSync(marks, 'utf8').trim().split('\n') : [];
      return text.filter((line) => line === 'end').length >= 2 ? text : null;
    },
    { timeoutMs: 10_000, message: 'two whole runs' },
  );
  for (let i = 0; i + 1 < lines.length; i++) {
    if (lines[i] === 'start') assert.equal(lines[i + 1], 'end', `runs overlapped: ${lines.join(' ')}`);
  }
  const events = (await pm(['events', '--json', '--lines', '100'], t.env)).stdout;
  assert.match(
    events,
    /"type":"schedule-skipped","severity":"warning","app":"tick","message":"scheduled run skipped \(\* \* \* \* \* \*\): its run of pid \d+ is still going"/,
  );
  assert.match(
    (await pm(['describe', 'tick'], t.env)).stdout,
    /schedule +run at \* \* \* \* \* \*: next \d{4}-/,
  );
});

test('a scheduled task is not run when it is defined; a service with cron_restart is restarted when due', async () => {
  await pm(
    [
      'start',
      writeConfig(`  - name: nightly
    type: task
    command: "true"
    cron: "0 3 1 1 *"
    timezone: Europe/Paris
  - name: svc
    command: sleep 100000
    cron_restart: "*/2 * * * * *"
`),
    ],
    t.env,
  );
  const [nightly, svc] = await listApps(t.env);
  assert.equal(nightly!.status, 'stopped');
  assert.equal(nightly!.restarts, 0);
  assert.match(
    (await pm(['describe', 'nightly'], t.env)).stdout,
    /schedule +run at 0 3 1 1 \* \(Europe\/Paris\): next \d{4}-01-01T02:00:00\.000Z/,
  );
  await waitFor(async () => (await listApps(t.env))[1]!.pid !== svc!.pid, { message: 'svc restarted' });
  const events = (await pm(['events', '--json', '--lines', '100'], t.env)).stdout;
  assert.match(
    events,
    /"type":"scheduled","severity":"info","app":"svc","message":"restarted on schedule \*\/2 \* \* \* \* \*"/,
  );
});

test('a service the user stopped stays stopped when its cron_restart is due: the restart is skipped, and said so', async () => {
  await pm(
    ['start', writeConfig('  - name: svc\n    command: sleep 100000\n    cron_restart: "* * * * * *"\n')],
    t.env,
  );
  await pm(['stop', 'svc'], t.env);
  const skipped = await waitFor(() =>
    readEvents(t.home).find((e) => e.type === 'schedule-skipped' && e.app === 'svc'),
  );
  assert.match(skipped.message, /^scheduled restart skipped \(\* \* \* \* \* \*\): the app is stopped$/);
  const [svc] = await listApps(t.env);
  assert.equal(svc!.status, 'stopped');
  assert.equal(svc!.pid, null);
});

test('a bad cron expression, cron on a service and an unknown time zone are config errors', async () => {
  const file = writeConfig(`  - name: a
    type: task
    command: "true"
    cron: "61 * * * *"
  - name: b
    command: sleep 100
    cron: "0 3 * * *"
  - name: c
    type: task
    command: "true"
    cron: "0 3 * * *"
    timezone: Mars/Olympus
  - name: d
    type: task
    command: "true"
    cron: "0 3 * *"
`);
  const result = await runCli(['start', file], t.env);
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /pm\.yaml:5:\d+: apps\[0\]\.cron: found "61 \* \* \* \*": Invalid value for minute: 61\n/,
  );
  assert.match(
    result.stderr,
    /pm\.yaml:8:\d+: apps\[1\]\.cron: cron: runs a task: add type: task, or restart a service with cron_restart:/,
  );
  assert.match(
    result.stderr,
    /pm\.yaml:13:\d+: apps\[2\]\.timezone: found "Mars\/Olympus": not an IANA time zone/,
  );
  assert.match(
    result.stderr,
    /pm\.yaml:17:\d+: apps\[3\]\.cron: found "0 3 \* \*": found 4 fields, expected 5/,
  );
  assert.deepEqual(await listApps(t.env), []);
});
