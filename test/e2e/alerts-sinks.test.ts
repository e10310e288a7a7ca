// The two alert sinks on their own: a webhook against a local HTTP server (retries, timeouts,
// permanent failures) and a command that receives the event in env vars and on stdin.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { createCommandSink } from '../../src/alerts/command-sink.js';
import { createWebhookSink } from '../../src/alerts/webhook-sink.js';
import type { PmEvent } from '../../src/protocol/events.js';
import { type HttpRecorder, startHttpRecorder } from '../helpers/http-recorder.js';
import { isGone } from '../helpers/proc.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const event: PmEvent = {
  ts: 1_700_000_000_000,
  type: 'errored',
  severity: 'alert',
  app: 'web',
  index: 1,
  id: 4,
  message: 'errored: crash-loop: 16 restarts in 60 s',
  data: { reason: 'crash-loop', exitCode: 1, signal: null },
};

let server: HttpRecorder;
// No daemon here: the home is the scratch folder of the command sink's files.
const t = setupTempHome({
  setup: async () => {
    server = await startHttpRecorder();
  },
  teardown: () => server.close(),
});

const fast = { timeoutMs: 300, attempts: 3, backoffMs: 20 };

test('the webhook POSTs the event as JSON with a one-line text', async () => {
  await createWebhookSink(server.url, fast).send(event);
  assert.equal(server.requests.length, 1);
  const [request] = server.requests;
  assert.equal(request!.method, 'POST');
  assert.equal(request!.headers['content-type'], 'application/json');
  const body = JSON.parse(request!.body);
  assert.deepEqual(body.event, event);
  assert.equal(body.text, 'pm alert: web:1 errored: errored: crash-loop: 16 restarts in 60 s');
});

test('the webhook retries a 503 with backoff and succeeds on a later attempt', async () => {
  server.respond = (n) => (n < 2 ? 503 : 204);
  await createWebhookSink(server.url, fast).send(event);
  assert.equal(server.requests.length, 3);
});

test('the webhook gives up at once on a 404, and after every attempt on a server that never answers', async () => {
  server.respond = () => 404;
  await assert.rejects(createWebhookSink(server.url, fast).send(event), /HTTP 404 Not Found \(3 attempts\)/);
  assert.equal(server.requests.length, 1);
  server.respond = () => 'hang';
  const started = Date.now();
  await assert.rejects(
    createWebhookSink(server.url, fast).send(event),
    /no reply within 300 ms \(3 attempts\)/,
  );
  assert.ok(Date.now() - started < 5000);
  assert.equal(server.requests.length, 4);
});

test('the command gets the event in PM_EVENT_* variables and as JSON on stdin', async () => {
  const out = path.join(t.home, 'alerts.log');
  const command = `cat >> ${out}; echo "$PM_EVENT_TYPE|$PM_EVENT_SEVERITY|$PM_EVENT_APP|$PM_EVENT_INDEX|$PM_EVENT_ID|$PM_EVENT_DATA_REASON|$PM_EVENT_DATA_EXIT_CODE|$PM_EVENT_MESSAGE" >> ${out}`;
  await createCommandSink(command).send(event);
  const [json, env] = fs.readFileSync(out, 'utf8').trimEnd().split('\n');
  assert.deepEqual(JSON.parse(json!), event);
  assert.equal(env, 'errored|alert|web|1|4|crash-loop|1|errored: crash-loop: 16 restarts in 60 s');
});

test('a command that fails or overruns its timeout rejects with the reason, and leaves no process behind', async () => {
  await assert.rejects(
    createCommandSink('echo "no route to pager" >&2; exit 3').send(event),
    /exited with code 3: no route to pager/,
  );
  const pidFile = path.join(t.home, 'pid');
  const started = Date.now();
  await assert.rejects(
    createCommandSink(`sleep 30 & echo $! > ${pidFile}; wait`, { timeoutMs: 300 }).send(event),
    /killed by SIGKILL after 300 ms/,
  );
  assert.ok(Date.now() - started < 5000);
  const sleeper = Number(fs.readFileSync(pidFile, 'utf8'));
  await waitFor(() => isGone(sleeper), { message: 'the background sleep to be killed with the group' });
});
