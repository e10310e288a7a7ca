// Alerts through a real daemon: an app that crash-loops alerts its webhook and command; a sink that
// keeps failing is reported once, and again only after it worked; a daemon that adopts apps after
// a crash alerts every sink.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { PmEvent } from '../../src/protocol/events.js';
import { type HttpRecorder, startHttpRecorder } from '../helpers/http-recorder.js';
import { readDaemonPidFile } from '../helpers/proc.js';
import { fixtureApp, pm, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

let server: HttpRecorder;
const t = setupTempHome({
  setup: async () => {
    server = await startHttpRecorder();
  },
  teardown: () => server.close(),
});

/** An app that exits 1 at once and is given up on after one restart: errored within a second. */
const crashLoop = (name: string, ...alertFlags: string[]) =>
  runCli(
    ['start', fixtureApp('exit-with.js'), '--name', name, '--max-restarts', '1', ...alertFlags, '--', '1'],
    t.env,
  );

async function events(): Promise<PmEvent[]> {
  const { stdout } = await pm(['events', '--json', '--lines', '1000'], t.env);
  return stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

const lines = (file: string) =>
  fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trimEnd().split('\n') : [];

test('a crash loop sends the errored alert to the webhook and to the command, with the event in env and on stdin', async () => {
  const out = path.join(t.home, 'alerts.jsonl');
  const seen = path.join(t.home, 'alerts.env');
  await crashLoop(
    'crashy',
    '--alert-webhook',
    server.url,
    '--alert-command',
    `cat >> ${out}; echo "$PM_EVENT_TYPE $PM_EVENT_APP:$PM_EVENT_INDEX" >> ${seen}`,
  );
  const [request] = await waitFor(() => (server.requests.length > 0 ? server.requests : null), {
    message: 'a webhook POST',
  });
  const body = JSON.parse(request!.body);
  assert.equal(body.event.type, 'errored');
  assert.equal(body.event.app, 'crashy');
  assert.match(body.text, /^pm alert: crashy:0 errored: /);
  await waitFor(() => lines(seen).length > 0, { message: 'the command to run' });
  assert.deepEqual(lines(seen), ['errored crashy:0']);
  assert.equal(JSON.parse(lines(out)[0]!).type, 'errored');
  // Exits before giving up were warnings: they alerted nobody.
  assert.equal(server.requests.length, 1);
});

test('a failing sink is reported once with alert-failed until it delivers again, never in a loop', async () => {
  // Fails for the first two alerts, works for the third, fails for the fourth; says which call it was.
  const calls = path.join(t.home, 'calls');
  const command = `n=$(cat ${calls} 2>/dev/null | wc -l); echo x >> ${calls}; echo "call $n" >&2; [ "$n" = 2 ]`;
  await crashLoop('flaky', '--alert-command', command);
  for (let alert = 1; alert <= 4; alert++) {
    await waitFor(() => lines(calls).length === alert, { message: `alert ${alert} to run the command` });
    if (alert < 4) await runCli(['start', 'flaky'], t.env);
  }
  const failures = await waitFor(
    async () => {
      const found = (await events()).filter((e) => e.type === 'alert-failed');
      return found.some((e) => e.message.includes('call 3')) ? found : null;
    },
    { message: 'the failure of the fourth call to be reported' },
  );
  assert.deepEqual(
    failures.map((e) => e.message.match(/call \d/)?.[0]),
    ['call 0', 'call 3'],
  );
  assert.equal(failures[0]!.severity, 'warning');
  assert.equal((await events()).filter((e) => e.type === 'errored').length, 4);
});

test('a daemon that comes back after a crash and adopts running apps alerts every configured sink', async () => {
  await pm(['start', fixtureApp('forever.js'), '--name', 'web', '--alert-webhook', server.url], t.env);
  const daemonPid = readDaemonPidFile(t.home)!;
  process.kill(daemonPid, 'SIGKILL');
  await waitFor(() => {
    try {
      process.kill(daemonPid, 0);
      return false;
    } catch {
      return true;
    }
  });
  await pm(['list'], t.env);
  const request = await waitFor(
    () => server.requests.find((r) => JSON.parse(r.body).event.type === 'daemon-started'),
    {
      message: 'the daemon-started alert',
    },
  );
  assert.match(JSON.parse(request.body).event.message, /1 adopted/);
});
