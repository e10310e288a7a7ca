// The daemon's connection limits, set small through the environment: a cap on connections that
// closes the oldest idle ones (those that never said hello first) so the CLI still gets in, one
// budget for the unfinished frames of every connection, timeouts for half frames and idle
// connections, and a descriptor limit that the connections never exhaust.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { DaemonClient } from '../../src/cli/daemon-client.js';
import { resolvePaths } from '../../src/config/paths.js';
import { listApps } from '../helpers/daemon.js';
import { readDaemonPidFile } from '../helpers/proc.js';
import { RawSocket } from '../helpers/raw-socket.js';
import { fixtureApp, PM_BIN, pm, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const t = setupTempHome();
const execFileAsync = promisify(execFile);

async function startDaemon(limits: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> {
  const env = { ...t.env, ...limits };
  await pm(['ping'], env);
  return env;
}

const connect = () => RawSocket.connect(path.join(t.home, 'daemon.sock'));
const greeted = () => RawSocket.greeted(path.join(t.home, 'daemon.sock'));

/** The daemon closed it, and said why in one error frame first. */
async function closedWithReason(raw: RawSocket, reason: RegExp): Promise<void> {
  await raw.waitClosed();
  const reply = await raw.reply();
  assert.equal(reply.ok, false);
  assert.match(reply.error!.message, reason);
}

async function assertCliServed(env: NodeJS.ProcessEnv): Promise<void> {
  const ping = JSON.parse((await pm(['ping', '--json'], env)).stdout);
  assert.equal(ping.pid, readDaemonPidFile(t.home));
}

test('over the connection cap, the oldest connections that never said hello go first and the CLI gets in', async () => {
  const env = await startDaemon({ PM_MAX_CONNECTIONS: '50' });
  const helloed = await Promise.all(Array.from({ length: 20 }, () => greeted()));
  const strangers: RawSocket[] = [];
  for (let i = 0; i < 180; i++) {
    const raw = await connect();
    if (i % 2 === 0) raw.write('{"id":1,"type":"hel');
    strangers.push(raw);
  }
  await waitFor(() => strangers.filter((raw) => raw.isClosed).length >= 150, {
    message: 'the oldest strangers to be closed',
  });
  await closedWithReason(strangers[0]!, /50 connections/);
  await assertCliServed(env);
  assert.ok(
    helloed.every((raw) => !raw.isClosed),
    'a connection that said hello went before one that did not',
  );
  const open = [...helloed, ...strangers].filter((raw) => !raw.isClosed).length;
  assert.ok(open <= 50, `${open} connections open`);
  for (const raw of [...helloed, ...strangers]) raw.destroy();
});

test('when every connection is busy, a new one is refused and the CLI prints the reason in one line', async () => {
  const env = await startDaemon({ PM_MAX_CONNECTIONS: '20' });
  const streams = await Promise.all(Array.from({ length: 20 }, () => greeted()));
  for (const raw of streams) raw.send({ id: 2, type: 'events', lines: 1, follow: true });
  // The last event (the daemon's start) arrives on each: all 20 are busy with a stream.
  for (const raw of streams) assert.equal((await raw.reply()).id, 2);
  const refused = await runCli(['ping'], env);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /^pm: the daemon serves its maximum of 20 connections, all busy.*\n$/);
  assert.ok(streams.every((raw) => !raw.isClosed));
  for (const raw of streams) raw.destroy();
  await assertCliServed(env);
});

test('unfinished frames of all connections share one budget: over it, a connection is refused with the reason', async () => {
  const env = await startDaemon({ PM_MAX_UNFINISHED_INPUT: '1M' });
  const holders = await Promise.all(Array.from({ length: 8 }, () => greeted()));
  // 300 KiB each and no newline: at most 3 of them fit in 1 MiB.
  for (const raw of holders) raw.write(`{"id":2,"type":"ping","pad":"${'x'.repeat(300 * 1024)}`);
  await waitFor(() => holders.filter((raw) => raw.isClosed).length >= 5, { message: '5 refused' });
  for (const raw of holders.filter((raw) => raw.isClosed)) {
    await closedWithReason(raw, /unfinished requests/);
  }
  await assertCliServed(env);
  for (const raw of holders) raw.destroy();
});

test('over the budget, a connection that never said hello and a client of ours are both told why and closed', async () => {
  const env = await startDaemon({ PM_MAX_UNFINISHED_INPUT: '64K' });
  const stranger = await connect();
  stranger.write(`{"id":1,"type":"hello","pad":"${'x'.repeat(100 * 1024)}`);
  await closedWithReason(stranger, /unfinished requests/);
  const client = await greeted();
  client.write(`{"id":2,"type":"ping","pad":"${'x'.repeat(100 * 1024)}`);
  await closedWithReason(client, /unfinished requests/);
  await assertCliServed(env);
});

test('a half-sent frame and an idle connection are closed after their timeouts; a stream is never idle', async () => {
  const env = await startDaemon({ PM_FRAME_TIMEOUT: '400ms', PM_IDLE_CONNECTION_TIMEOUT: '400ms' });
  const stream = await greeted();
  stream.send({ id: 2, type: 'events', lines: 0, follow: true });
  const half = await greeted();
  half.write('{"id":2,"type":"pi');
  const idle = await greeted();
  const silent = await connect();
  await closedWithReason(half, /not finished within 400ms/);
  await closedWithReason(idle, /nothing received for 400ms/);
  await silent.waitClosed();
  const later = await greeted();
  await closedWithReason(later, /nothing received/);
  assert.equal(stream.isClosed, false, 'the stream was closed as idle');
  stream.destroy();
  await assertCliServed(env);
});

test('a client of ours idle past the timeout, like the controls of pm top, reconnects for its next request', async () => {
  const env = await startDaemon({ PM_IDLE_CONNECTION_TIMEOUT: '300ms' });
  const client = await DaemonClient.connect(resolvePaths(env), { autoStart: false });
  try {
    assert.deepEqual(await client.request({ type: 'list' }), []);
    // Opened after the client's last request and closed as idle: the client's went first.
    const later = await greeted();
    await closedWithReason(later, /nothing received/);
    assert.deepEqual(await client.request({ type: 'list' }), []);
  } finally {
    client.close();
  }
});

test('with 128 file descriptors, 200 connections leave the daemon serving the CLI and starting apps', async () => {
  // Both limits at 128 (node raises only the soft one to the hard one): the daemon inherits them.
  const started = await execFileAsync(
    'sh',
    ['-c', 'ulimit -n 128 && exec "$0" "$@"', process.execPath, PM_BIN, 'ping'],
    { env: t.env },
  );
  assert.match(started.stdout, /^pong/);
  const sockets: RawSocket[] = [];
  for (let i = 0; i < 200; i++) sockets.push(await connect());
  await pm(['start', fixtureApp('forever.js'), '--name', 'after-flood'], t.env);
  assert.equal((await listApps(t.env))[0]?.status, 'online');
  await assertCliServed(t.env);
  for (const raw of sockets) raw.destroy();
});
