// The preload in a real Node app started as pm will start it: through `sh -c 'LISTEN_PID=$$ exec …'`,
// the sockets at fds 3, 4, …, the readiness pipe after them, the preload in NODE_OPTIONS.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { after, before, type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type BoundListener, bindListeners } from '../../../src/listen/bind-listeners.js';
import { waitFor } from '../../helpers/wait-for.js';

const PRELOAD = fileURLToPath(new URL('../../../src/listen/node-preload.cjs', import.meta.url));
const KEPT_OPTION = '--max-http-header-size=16384';
const EXEC_WITH_OWN_PID = 'LISTEN_PID=$$ exec "$0" "$@"';

// argv: how to call listen(), then the ports. Answers with its pid, its env and its children's env;
// prints the LISTEN_* variables it sees, `listening <port>` from listen()'s callback and
// `error <port> <code>` on a failed listen.
const APP = `const http = require('node:http');
const { execFileSync } = require('node:child_process');
const [form, ...ports] = process.argv.slice(1);
const inherited = Object.keys(process.env).filter((name) => name.startsWith('LISTEN_') || name === 'PM_READY_FD');
console.log('variables', inherited.join(',') || 'none');
const childEnv = () => execFileSync(process.execPath, ['-e', 'process.stdout.write(JSON.stringify(process.env))'], { encoding: 'utf8' });
for (const port of ports) {
  const server = http.createServer((req, res) => {
    const body = JSON.stringify({ pid: process.pid, env: process.env, childEnv: JSON.parse(childEnv()) });
    res.end(body, () => form === 'exit-after-one' && process.exit(0));
  });
  server.on('error', (error) => console.log('error', port, error.code));
  const listening = () => console.log('listening', port);
  if (form === 'number') server.listen(Number(port), listening);
  if (form === 'string-host-backlog') server.listen(port, '127.0.0.1', 100, listening);
  if (form === 'options') server.listen({ port: Number(port), host: '127.0.0.1' }, listening);
  if (form === 'twice') {
    server.listen(Number(port), listening);
    http.createServer().on('error', (error) => console.log('second', error.code)).listen(Number(port));
  }
  if (form === 'exit-after-one') {
    if (port === ports[0]) server.listen(Number(port), listening);
  }
}`;

interface App {
  child: ChildProcess;
  stdout: () => string;
  /** Everything written to PM_READY_FD, once every holder of the pipe closed it. */
  readiness: Promise<string>;
}

interface Reply {
  pid: number;
  env: Record<string, string>;
  childEnv: Record<string, string>;
}

let listeners: BoundListener[] = [];
before(async () => {
  listeners = await bindListeners([
    { host: '127.0.0.1', port: 0 },
    { host: '127.0.0.1', port: 0 },
  ]);
});
after(() => {
  for (const listener of listeners) listener.close();
});

/** Killed when the test ends, and gone before the next one starts: the sockets are shared. */
function startApp(
  t: TestContext,
  form: string,
  sockets: readonly BoundListener[],
  { listenPid = 'own' }: { listenPid?: 'own' | string } = {},
): App {
  const ports = sockets.map((socket) => String(socket.port));
  const readyFd = 3 + sockets.length;
  const command = ['-e', APP, form, ...ports];
  const env = {
    PATH: process.env.PATH,
    NODE_OPTIONS: `--require "${PRELOAD}" ${KEPT_OPTION}`,
    LISTEN_FDS: String(sockets.length),
    LISTEN_FDNAMES: ports.join(':'),
    PM_READY_FD: String(readyFd),
    ...(listenPid === 'own' ? {} : { LISTEN_PID: listenPid }),
  };
  const [file, args] =
    listenPid === 'own'
      ? ['/bin/sh', ['-c', EXEC_WITH_OWN_PID, process.execPath, ...command]]
      : [process.execPath, command];
  const child = spawn(file, args, {
    env,
    stdio: ['ignore', 'pipe', 'inherit', ...sockets.map((socket) => socket.fd), 'pipe'],
  });
  t.after(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  });
  let stdout = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  const readyPipe = child.stdio[readyFd] as NodeJS.ReadableStream;
  let readiness = '';
  readyPipe.setEncoding('utf8').on('data', (chunk: string) => {
    readiness += chunk;
  });
  return {
    child,
    stdout: () => stdout,
    readiness: once(readyPipe, 'end', { signal: AbortSignal.timeout(10_000) }).then(() => readiness),
  };
}

async function get(port: number): Promise<Reply> {
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, agent: false, signal: AbortSignal.timeout(5_000) }, resolve)
      .on('error', reject);
  });
  let body = '';
  for await (const chunk of response) body += chunk;
  return JSON.parse(body) as Reply;
}

const listenVariables = (env: Record<string, string>): string[] =>
  Object.keys(env).filter((name) => name.startsWith('LISTEN_') || name === 'PM_READY_FD');

test("an app's listen(port) serves the inherited socket and READY=1 follows; its children see none of it", async (t) => {
  const [socket] = listeners;
  const app = startApp(t, 'number', [socket!]);
  const reply = await get(socket!.port);
  assert.equal(reply.pid, app.child.pid);
  await waitFor(() => app.stdout().includes(`listening ${socket!.port}\n`), {
    message: "listen()'s callback",
  });
  assert.equal(await app.readiness, 'READY=1\n');
  assert.ok(app.stdout().startsWith('variables none\n'));
  assert.deepEqual(listenVariables(reply.env), []);
  assert.deepEqual(listenVariables(reply.childEnv), []);
  assert.equal(reply.env.NODE_OPTIONS, KEPT_OPTION);
  assert.equal(reply.childEnv.NODE_OPTIONS, KEPT_OPTION);
});

for (const form of ['string-host-backlog', 'options']) {
  test(`listen() called the ${form} way takes the inherited socket too, and calls back`, async (t) => {
    const [socket] = listeners;
    const app = startApp(t, form, [socket!]);
    assert.equal((await get(socket!.port)).pid, app.child.pid);
    await waitFor(() => app.stdout().includes(`listening ${socket!.port}\n`), {
      message: "listen()'s callback",
    });
    assert.equal(await app.readiness, 'READY=1\n');
  });
}

test("a second listen() on the port gets Node's own behaviour: the port is taken", async (t) => {
  const [socket] = listeners;
  const app = startApp(t, 'twice', [socket!]);
  await waitFor(() => app.stdout().includes('second EADDRINUSE\n'), { message: 'the second listen to fail' });
  assert.equal((await get(socket!.port)).pid, app.child.pid);
});

test('with two inherited sockets both are served, each by its name, and READY=1 follows the second', async (t) => {
  const app = startApp(t, 'number', listeners);
  for (const socket of listeners) assert.equal((await get(socket.port)).pid, app.child.pid);
  assert.equal(await app.readiness, 'READY=1\n');
});

test('an app that listens on one of two inherited sockets never reports ready', async (t) => {
  const [first] = listeners;
  const app = startApp(t, 'exit-after-one', listeners);
  assert.equal((await get(first!.port)).pid, app.child.pid);
  assert.equal(await app.readiness, '');
});

test('LISTEN_PID of another process: nothing is taken, and the variables still go', async (t) => {
  const [socket] = listeners;
  const app = startApp(t, 'number', [socket!], { listenPid: '1' });
  await waitFor(() => app.stdout().includes(`error ${socket!.port} EADDRINUSE\n`), {
    message: 'listen() to bind the port itself, and fail',
  });
  assert.ok(app.stdout().startsWith('variables none\n'));
  app.child.kill('SIGKILL');
  assert.equal(await app.readiness, '');
});
