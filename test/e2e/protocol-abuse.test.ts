// Bad input on the socket, sent by a raw client: each gets an error reply or a closed connection,
// and the daemon goes on serving with the same pid.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { PROTOCOL_VERSION } from '../../src/protocol/version.js';
import { listApps } from '../helpers/daemon.js';
import { readDaemonPidFile } from '../helpers/proc.js';
import { RawSocket } from '../helpers/raw-socket.js';
import { fixtureApp, pm } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

let daemonPid: number | null;
const t = setupTempHome({
  setup: async ({ home, env }) => {
    await pm(['ping'], env);
    daemonPid = readDaemonPidFile(home);
  },
});

const connect = () => RawSocket.connect(path.join(t.home, 'daemon.sock'));
const greeted = () => RawSocket.greeted(path.join(t.home, 'daemon.sock'));

async function assertDaemonServes(): Promise<void> {
  const ping = JSON.parse((await pm(['ping', '--json'], t.env)).stdout);
  assert.equal(ping.pid, daemonPid, 'the daemon was replaced');
  const log = fs.readFileSync(path.join(t.home, 'daemon.log'), 'utf8');
  assert.doesNotMatch(log, /uncaught|unhandled/, 'the daemon hit an unexpected error');
}

test('malformed JSON gets an error reply, and the same connection still serves requests', async () => {
  const raw = await greeted();
  raw.write('{"id": 2, "type": "list"\n');
  const reply = await raw.reply();
  assert.equal(reply.ok, false);
  assert.equal(reply.id, null);
  assert.equal(reply.error?.code, 'bad-request');
  assert.match(reply.error!.message, /malformed/);

  for (const junk of ['42', 'null', '[]', '"list"', '{"id": "x", "type": "ping"}']) {
    raw.write(`${junk}\n`);
    assert.equal((await raw.reply()).ok, false, `"${junk}" was accepted`);
  }
  raw.send({ id: 3, type: 'ping' });
  const ping = await raw.reply();
  assert.deepEqual([ping.id, ping.ok], [3, true]);
  raw.destroy();
  await assertDaemonServes();
});

test('an unknown request type and a bad payload get error replies with their ids', async () => {
  const raw = await greeted();
  raw.send({ id: 2, type: 'explode' });
  const unknown = await raw.reply();
  assert.deepEqual([unknown.id, unknown.ok, unknown.error?.code], [2, false, 'bad-request']);
  assert.match(unknown.error!.message, /unknown request type "explode"/);

  for (const type of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    raw.send({ id: 3, type });
    assert.equal((await raw.reply()).ok, false, `type "${type}" was accepted`);
  }
  raw.send({ id: 4, type: 'stop', target: { kind: 'name', name: '../../etc' } });
  const badName = await raw.reply();
  assert.deepEqual([badName.id, badName.ok, badName.error?.code], [4, false, 'bad-request']);
  raw.send({ id: 5, type: 'scale', name: 'web', change: { mode: 'set', count: 'many' } });
  assert.deepEqual((await raw.reply()).error?.code, 'bad-request');
  raw.destroy();
  await assertDaemonServes();
});

test('a request before hello is refused', async () => {
  const raw = await connect();
  raw.send({ id: 1, type: 'list' });
  const reply = await raw.reply();
  assert.deepEqual([reply.id, reply.ok, reply.error?.code], [1, false, 'bad-request']);
  assert.match(reply.error!.message, /hello/);
  raw.destroy();
  await assertDaemonServes();
});

test('a hello with another protocol version gets a version-mismatch error, and later requests are refused', async () => {
  const raw = await connect();
  raw.send({ id: 1, type: 'hello', protocolVersion: PROTOCOL_VERSION + 1 });
  const reply = await raw.reply();
  assert.deepEqual([reply.id, reply.ok, reply.error?.code], [1, false, 'version-mismatch']);
  assert.match(reply.error!.message, /pm update/);
  raw.send({ id: 2, type: 'list' });
  assert.equal((await raw.reply()).ok, false);
  raw.destroy();
  await assertDaemonServes();
});

test('a frame over 1 MiB gets an error reply and a closed connection', async () => {
  const raw = await greeted();
  const huge = JSON.stringify({ id: 2, type: 'ping', pad: 'x'.repeat(1024 * 1024 + 10) });
  raw.write(`${huge}\n`);
  const reply = await raw.reply();
  assert.equal(reply.ok, false);
  assert.match(reply.error!.message, /1 MiB/);
  await raw.waitClosed();

  // The same without a newline: the daemon must not buffer it without limit.
  const endless = await greeted();
  endless.write(Buffer.alloc(2 * 1024 * 1024, 'y'));
  assert.equal((await endless.reply()).ok, false);
  await endless.waitClosed();
  await assertDaemonServes();
});

test('a client that disconnects in the middle of a slow stop leaves the daemon serving, and the stop completes', async () => {
  const pidFile = path.join(t.home, 'tree.pids');
  await pm(
    [
      'start',
      fixtureApp('ignore-sigterm-tree.js'),
      '--name',
      'slow',
      '--kill-timeout',
      '1s',
      '--',
      pidFile,
      '0',
    ],
    t.env,
  );
  const raw = await greeted();
  raw.send({ id: 2, type: 'stop', target: { kind: 'name', name: 'slow' } });
  raw.destroy();

  await assertDaemonServes();
  await waitFor(async () => (await listApps(t.env))[0]?.status === 'stopped', {
    timeoutMs: 15_000,
    message: 'the stop to complete',
  });

  // Half-closed: the request is sent and the write side closed at once.
  const half = await connect();
  half.write(`${JSON.stringify({ id: 1, type: 'hello', protocolVersion: PROTOCOL_VERSION })}\n`);
  half.socket.end(`${JSON.stringify({ id: 2, type: 'start', target: { kind: 'name', name: 'slow' } })}\n`);
  await half.waitClosed();
  await waitFor(async () => (await listApps(t.env))[0]?.status === 'online', { message: 'the start to run' });
  await assertDaemonServes();
});

test('many connections opened and dropped at once leave the daemon serving', async () => {
  const sockets = await Promise.all(Array.from({ length: 50 }, () => connect()));
  sockets.forEach((raw, i) => {
    if (i % 2 === 0) raw.write('{"id": 1, "type": "hel');
    raw.destroy();
  });
  await assertDaemonServes();
});
