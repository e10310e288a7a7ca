// bindListeners on real loopback sockets: this process holds listening sockets and never accepts on
// them; children given the fd serve them, together and after this process lets go of its copy.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import { after, test } from 'node:test';
import { type BoundListener, bindListeners } from '../../../src/listen/bind-listeners.js';
import { waitFor } from '../../helpers/wait-for.js';

const LOOPBACK = '127.0.0.1';
const REPLY_TIMEOUT_MS = 5_000;
/** The one fixed wait: how long a connection must go unanswered to count as "not accepted". */
const NOT_ACCEPTED_WINDOW_MS = 300;

// Accepts on fd 3 and answers each connection with its pid; ONCE: stops listening after the first.
const SERVE_FD_3 = `const net = require('node:net');
const server = net.createServer((socket) => {
  if (process.env.ONCE) server.close();
  socket.end(String(process.pid));
});
server.listen({ fd: 3 });`;

const children: ChildProcess[] = [];
const listeners: BoundListener[] = [];
after(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const listener of listeners) listener.close();
});

async function bind(...addresses: Parameters<typeof bindListeners>[0]): Promise<BoundListener[]> {
  const bound = await bindListeners(addresses);
  listeners.push(...bound);
  return bound;
}

function serveFd(fd: number, env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ['-e', SERVE_FD_3], {
    stdio: ['ignore', 'ignore', 'inherit', fd],
    env: { PATH: process.env.PATH, ...env },
  });
  children.push(child);
  return child;
}

/** What the server says on a connection (it speaks first), read until it closes. */
function replyOf(socket: net.Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no reply within ${REPLY_TIMEOUT_MS} ms`));
    }, REPLY_TIMEOUT_MS);
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('end', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(text);
    });
  });
}

const reply = (port: number, host = LOOPBACK): Promise<string> => replyOf(net.connect(port, host));

function childPids(): number[] {
  const tasks = fs.readdirSync('/proc/self/task');
  const text = tasks.map((task) => fs.readFileSync(`/proc/self/task/${task}/children`, 'utf8')).join(' ');
  return text.split(/\s+/).filter(Boolean).map(Number);
}

function openFdCount(): number {
  return fs.readdirSync('/proc/self/fd').length;
}

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, LOOPBACK);
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

test('this process holds the socket listening without accepting: a connection waits until a child serves the fd', async () => {
  const [listener] = await bind({ host: LOOPBACK, port: 0 });
  assert.ok(listener && listener.port > 0 && Number.isInteger(listener.fd));
  assert.deepEqual(listener.address, { host: LOOPBACK, port: 0 });

  const pending = net.connect(listener.port, LOOPBACK);
  await once(pending, 'connect'); // the kernel completes it into the backlog
  const happened: string[] = [];
  for (const event of ['data', 'end', 'close', 'error']) pending.on(event, () => happened.push(event));
  await new Promise((resolve) => setTimeout(resolve, NOT_ACCEPTED_WINDOW_MS));
  assert.deepEqual(happened, [], 'an accepted connection would have been answered or closed');
  pending.removeAllListeners();

  const child = serveFd(listener.fd);
  assert.equal(await replyOf(pending), String(child.pid));
  assert.equal(await reply(listener.port), String(child.pid));
});

test('connections made while the helper binds are refused or wait for a child: the helper accepts none', async () => {
  const port = await freePort();
  const connected: net.Socket[] = [];
  let binding = true;
  const knock = async (): Promise<void> => {
    while (binding && connected.length < 200) {
      const socket = net.connect(port, LOOPBACK);
      const isConnected = await new Promise<boolean>((resolve) => {
        socket.once('connect', () => resolve(true)).once('error', () => resolve(false));
      });
      if (isConnected) connected.push(socket);
    }
  };
  const knocking = [knock(), knock(), knock()];
  const [listener] = await bind({ host: LOOPBACK, port }).finally(() => {
    binding = false;
  });
  await Promise.all(knocking);
  const replies = connected.map(replyOf);
  const child = serveFd(listener!.fd);
  assert.deepEqual(
    await Promise.all(replies),
    connected.map(() => String(child.pid)),
  );
  assert.ok(connected.length > 0, 'some connection landed between listen(2) and the helper exiting');
});

test('two children given the same fd both serve it', async () => {
  const [listener] = await bind({ host: LOOPBACK, port: 0 });
  // Each answers once and stops listening, so the second connection can only go to the other one.
  const pids = [serveFd(listener!.fd, { ONCE: '1' }), serveFd(listener!.fd, { ONCE: '1' })].map((c) =>
    String(c.pid),
  );
  const answered = [await reply(listener!.port), await reply(listener!.port)];
  assert.deepEqual(answered.sort(), pids.sort());
});

test('a child keeps serving after this process closes its copy of the socket', async () => {
  const [listener] = await bind({ host: LOOPBACK, port: 0 });
  const child = serveFd(listener!.fd);
  assert.equal(await reply(listener!.port), String(child.pid));
  listener!.close();
  assert.equal(await reply(listener!.port), String(child.pid));
  assert.equal(await reply(listener!.port), String(child.pid));
});

test('several addresses come back in order, each its own socket; no host listens on IPv4 and IPv6', async () => {
  const bound = await bind({ host: LOOPBACK, port: 0 }, { host: '::1', port: 0 }, { host: null, port: 0 });
  assert.deepEqual(
    bound.map((l) => l.address.host),
    [LOOPBACK, '::1', null],
  );
  assert.equal(new Set(bound.map((l) => l.fd)).size, 3);
  const [v4, v6, any] = bound;
  const servers = [serveFd(v4!.fd), serveFd(v6!.fd), serveFd(any!.fd)];
  assert.equal(await reply(v4!.port), String(servers[0]!.pid));
  assert.equal(await reply(v6!.port, '::1'), String(servers[1]!.pid));
  assert.equal(await reply(any!.port, LOOPBACK), String(servers[2]!.pid));
  assert.equal(await reply(any!.port, '::1'), String(servers[2]!.pid));
});

test('a port in use fails with one line, and nothing stays open', async (t) => {
  const taken = net.createServer().listen(0, LOOPBACK);
  t.after(() => taken.close());
  await once(taken, 'listening');
  const { port } = taken.address() as net.AddressInfo;
  const before = openFdCount();
  await assert.rejects(
    bindListeners([
      { host: LOOPBACK, port: 0 },
      { host: LOOPBACK, port },
    ]),
    {
      message: `cannot listen on ${LOOPBACK}:${port}: address already in use`,
    },
  );
  await waitFor(() => openFdCount() === before, { message: 'the fd count to come back' });
});

test('a failure after some sockets were received closes those too', async () => {
  // The same free port twice: both bind (SO_REUSEADDR, neither listening yet); the second listen(2)
  // fails, after this process received both sockets.
  const port = await freePort();
  const before = openFdCount();
  await assert.rejects(
    bindListeners([
      { host: LOOPBACK, port },
      { host: LOOPBACK, port },
    ]),
    {
      message: `cannot listen on ${LOOPBACK}:${port}: address already in use`,
    },
  );
  await waitFor(() => openFdCount() === before, { message: 'the fd count to come back' });
  await assert.rejects(reply(port), { code: 'ECONNREFUSED' });
});

test('an address that is not on this machine, and a host that does not resolve, fail with one line', async () => {
  await assert.rejects(bindListeners([{ host: '192.0.2.1', port: 0 }]), {
    message: 'cannot listen on 192.0.2.1:0: not an address of this machine',
  });
  await assert.rejects(bindListeners([{ host: 'no-such-host.invalid', port: 0 }]), {
    message:
      /^cannot listen on no-such-host\.invalid:0: (host not found|the host name could not be looked up now)/,
  });
});

test('a port that is not one fails before any helper runs', async () => {
  await assert.rejects(bindListeners([{ host: null, port: 70000 }]), {
    message: 'cannot listen on 70000: not a port',
  });
});

test('a port below 1024 without the privilege fails with a line that says so', async (t) => {
  const unprivilegedStart = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8'));
  if (unprivilegedStart <= 80) return t.skip('ports from 80 up are unprivileged on this machine');
  const expected =
    'cannot listen on 127.0.0.1:80: permission denied (a port below 1024 needs root or CAP_NET_BIND_SERVICE)';
  if (process.getuid?.() !== 0) {
    await assert.rejects(bindListeners([{ host: LOOPBACK, port: 80 }]), { message: expected });
    return;
  }
  // As root, the call runs in a child as nobody: the helper it starts inherits that user.
  const module = new URL('../../../src/listen/bind-listeners.js', import.meta.url).href;
  const script = `import(${JSON.stringify(module)}).then(({ bindListeners }) =>
    bindListeners([{ host: '127.0.0.1', port: 80 }]).then(() => console.log('bound'), (e) => console.log(e.message)));`;
  const child = spawn(process.execPath, ['-e', script], {
    uid: 65534,
    gid: 65534,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  await once(child, 'close');
  assert.equal(output.trim(), expected);
});

test('a helper that dies before handing over the sockets makes the call reject', async () => {
  const others = new Set(childPids());
  const binding = bindListeners([{ host: LOOPBACK, port: 0 }]);
  // The helper is spawned by the time the call returns, and is still starting up.
  const helper = childPids().filter((pid) => !others.has(pid));
  assert.equal(helper.length, 1);
  process.kill(helper[0]!, 'SIGKILL');
  await assert.rejects(binding, {
    message: 'the socket helper was killed by SIGKILL before handing over the sockets',
  });
});

test('a helper that takes longer than the timeout is killed and the call rejects', async () => {
  const before = openFdCount();
  await assert.rejects(bindListeners([{ host: LOOPBACK, port: 0 }], { timeoutMs: 1 }), {
    message: `cannot listen on ${LOOPBACK}:0: the socket helper did not finish within 1 ms`,
  });
  await waitFor(() => openFdCount() === before, { message: 'the helper pipes to close' });
});
