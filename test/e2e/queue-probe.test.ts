// The queue probe on real processes and sockets: the number a command prints or a URL answers,
// and each way it fails (exit code, timeout, HTTP status, a redirect, an oversized answer).
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { after, before, test } from 'node:test';
import { probeQueue } from '../../src/health/queue-probe.js';
import type { QueueCheck } from '../../src/protocol/app-spec.js';

const context = { cwd: os.tmpdir(), env: { PATH: process.env.PATH, JOBS: '12' } };
const probe = (check: QueueCheck, timeoutMs = 2_000) =>
  probeQueue({ check, perInstance: 1, intervalMs: 1_000, timeoutMs }, context, new AbortController().signal);

let server: http.Server;
let base: string;
before(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/ok') res.end('42\n');
    else if (req.url === '/redirect') res.writeHead(302, { location: 'file:///etc/passwd' }).end();
    else if (req.url === '/big') res.end('1'.repeat(100_000));
    else res.writeHead(500).end('7');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

test('an exec probe reads the number it prints, in the environment given', async () => {
  assert.deepEqual(await probe({ type: 'exec', command: 'echo "$JOBS"' }), { ok: true, value: 12 });
});

test('an exec probe that exits non-zero, prints no number or outlives its timeout fails', async () => {
  assert.deepEqual(await probe({ type: 'exec', command: 'echo 3; exit 2' }), {
    ok: false,
    reason: 'exited with code 2',
  });
  assert.deepEqual(await probe({ type: 'exec', command: 'echo nope' }), {
    ok: false,
    reason: 'printed "nope", not one number',
  });
  assert.deepEqual(await probe({ type: 'exec', command: 'yes 1' }), {
    ok: false,
    reason: 'printed more than 4096 bytes',
  });
  const started = Date.now();
  assert.deepEqual(await probe({ type: 'exec', command: 'sleep 30' }, 200), {
    ok: false,
    reason: 'timed out after 200 ms',
  });
  assert.ok(Date.now() - started < 5_000);
});

test('an http probe reads the body of a 2xx, and fails on an error status, a redirect or a big body', async () => {
  assert.deepEqual(await probe({ type: 'http', url: `${base}/ok` }), { ok: true, value: 42 });
  assert.deepEqual(await probe({ type: 'http', url: `${base}/fail` }), { ok: false, reason: 'HTTP 500' });
  assert.deepEqual(await probe({ type: 'http', url: `${base}/redirect` }), { ok: false, reason: 'HTTP 302' });
  assert.deepEqual(await probe({ type: 'http', url: `${base}/big` }), {
    ok: false,
    reason: 'answered more than 4096 bytes',
  });
});
