// The daemon holds an app's listening sockets but must never accept on them, and Node cannot listen
// in-process without libuv accepting: a short-lived helper process binds and listens instead.
import { spawn } from 'node:child_process';
import type { ListenAddress } from '../protocol/app-spec.js';
import { formatListen } from './listen-address.js';

export interface BoundListener {
  address: ListenAddress;
  /** The port actually bound (differs when asked for 0). */
  port: number;
  /** The listening socket in this process: give it to children; nothing here accepts on it. */
  fd: number;
  /** Closes this process's copy; children that took the fd keep serving. */
  close(): void;
}

interface BindOptions {
  /** The helper is killed past this, and the call rejects. */
  timeoutMs?: number;
}

/** A socket as received: a raw libuv TCP handle, neither listening nor reading in this process. */
interface RawHandle {
  fd: number;
  close(): void;
  /** Clears (true) or sets O_NONBLOCK on the socket: its open file description, shared by every copy. */
  setBlocking(blocking: boolean): number;
}

interface Handoff {
  index: number;
  port: number;
}

const STDERR_TAIL_CHARS = 4096;
const FAILED_LINE = /^listen-failed (\d+) (\S+)$/;

/*
 * Run with `node -e` (the daemon is one bundled file, so it cannot be a file of its own).
 * - `net.Server#listen` would leave the helper's event loop accepting until it exits, so it binds
 *   with `net._createServerHandle` (what cluster uses), which binds without listen(2). A null host
 *   binds `::` (dual-stack), else `0.0.0.0`, as `server.listen(port)` does.
 * - It sends each bound socket as the raw TCP handle: node passes it as `net.Native` and the
 *   receiver gets the handle as is (a `net.Server` would be listened on by the receiver). Node
 *   sends one handle per message and waits for the receiver's ACK before the next.
 * - Once the daemon holds all of them it sends 'listen': listen(2) on each and exit within the same
 *   tick, so the helper's loop never polls a listening socket, and never accepts.
 * - A lookup, bind or listen error prints `listen-failed <index> <code>` and exits 1.
 */
const HELPER_SCRIPT = `'use strict';
const dns = require('node:dns');
const fs = require('node:fs');
const net = require('node:net');
const { getSystemErrorName } = require('node:util');
const fail = (index, code) => {
  fs.writeSync(2, 'listen-failed ' + index + ' ' + code + '\\n');
  process.exit(1);
};
const lookup = (host) =>
  new Promise((resolve, reject) =>
    dns.lookup(host, (error, address, family) => (error ? reject(error) : resolve({ address, family }))),
  );
async function main() {
  const addresses = JSON.parse(process.argv[1]);
  const handles = [];
  for (const [index, { host, port }] of addresses.entries()) {
    const ip = host === null ? { address: null, family: 6 } : await lookup(host).catch((error) => fail(index, error.code || 'ENOTFOUND'));
    const handle = net._createServerHandle(ip.address, port, ip.family);
    if (typeof handle === 'number') fail(index, getSystemErrorName(handle));
    // libuv defers a bind's EADDRINUSE: getsockname() reports it.
    const name = {};
    const error = handle.getsockname(name);
    if (error) fail(index, getSystemErrorName(error));
    handles.push({ handle, port: name.port });
  }
  process.once('message', () => {
    handles.forEach(({ handle }, index) => {
      const error = handle.listen(511);
      if (error) fail(index, getSystemErrorName(error));
    });
    process.exit(0);
  });
  handles.forEach(({ handle, port }, index) => process.send({ index, port }, handle));
}
main().catch((error) => {
  fs.writeSync(2, String((error && error.message) || error).split('\\n')[0] + '\\n');
  process.exit(1);
});
`;

// All or nothing: on any failure the sockets already received are closed, and the call rejects with
// one line naming the address (`cannot listen on 127.0.0.1:8080: address already in use`).
export async function bindListeners(
  addresses: readonly ListenAddress[],
  { timeoutMs = 5_000 }: BindOptions = {},
): Promise<BoundListener[]> {
  for (const address of addresses) {
    // The helper does not check: the kernel would take port 70000 as 70000 mod 65536.
    if (!Number.isInteger(address.port) || address.port < 0 || address.port > 65535) {
      throw new Error(`cannot listen on ${formatListen(address)}: not a port`);
    }
  }
  if (addresses.length === 0) return [];
  return runHelper(addresses, timeoutMs);
}

function runHelper(addresses: readonly ListenAddress[], timeoutMs: number): Promise<BoundListener[]> {
  return new Promise((resolve, reject) => {
    const helper = spawn(process.execPath, ['-e', HELPER_SCRIPT, JSON.stringify(addresses)], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    const received: BoundListener[] = [];
    const handles: RawHandle[] = [];
    let receivedCount = 0;
    let stderr = '';
    let settled = false;

    const finish = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error === null) {
        // Blocking, as systemd passes sockets: libuv made them non-blocking, and a program that
        // accepts in a loop (Perl's IO::Socket) would get EAGAIN and end. Node sets its own flag.
        for (const handle of handles) handle.setBlocking(true);
        resolve(received);
        return;
      }
      if (helper.exitCode === null && helper.signalCode === null) helper.kill('SIGKILL');
      for (const listener of received) listener.close();
      reject(error);
    };
    const timer = setTimeout(() => {
      const list = addresses.map(formatListen).join(', ');
      finish(new Error(`cannot listen on ${list}: the socket helper did not finish within ${timeoutMs} ms`));
    }, timeoutMs);

    helper.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
    });
    helper.on('message', (message: unknown, handle: unknown) => {
      // Late (after a timeout): nobody will close it but us.
      if (settled) {
        if (isRawHandle(handle)) handle.close();
        return;
      }
      const address = isHandoff(message) ? addresses[message.index] : undefined;
      if (!isHandoff(message) || address === undefined || !isRawHandle(handle)) {
        if (isRawHandle(handle)) handle.close();
        finish(new Error('the socket helper sent an unexpected message'));
        return;
      }
      received[message.index] = { address, port: message.port, fd: handle.fd, close: () => handle.close() };
      handles.push(handle);
      receivedCount++;
      // A no-op callback: a helper gone by now is reported by 'close', with its stderr.
      if (receivedCount === addresses.length) helper.send('listen', () => {});
    });
    helper.on('error', (error) => finish(new Error(`cannot start the socket helper: ${error.message}`)));
    helper.on('close', (code, signal) => {
      const complete = code === 0 && receivedCount === addresses.length;
      finish(complete ? null : helperFailure(addresses, code, signal, stderr));
    });
  });
}

function helperFailure(
  addresses: readonly ListenAddress[],
  code: number | null,
  signal: NodeJS.Signals | null,
  stderr: string,
): Error {
  const line = stderr.trimEnd().split('\n').at(-1) ?? '';
  const failed = FAILED_LINE.exec(line);
  const address = failed ? addresses[Number(failed[1])] : undefined;
  if (failed && address)
    return new Error(`cannot listen on ${formatListen(address)}: ${reason(address, failed[2]!)}`);
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  return new Error(`the socket helper ${how} before handing over the sockets${line ? `: ${line}` : ''}`);
}

function reason(address: ListenAddress, code: string): string {
  switch (code) {
    case 'EADDRINUSE':
      return 'address already in use';
    case 'EACCES':
      return address.port < 1024
        ? 'permission denied (a port below 1024 needs root or CAP_NET_BIND_SERVICE)'
        : 'permission denied';
    case 'EADDRNOTAVAIL':
      return 'not an address of this machine';
    case 'ENOTFOUND':
      return 'host not found';
    case 'EAI_AGAIN':
      return 'the host name could not be looked up now (EAI_AGAIN)';
    default:
      return code;
  }
}

function isHandoff(message: unknown): message is Handoff {
  if (typeof message !== 'object' || message === null) return false;
  const { index, port } = message as Partial<Handoff>;
  return Number.isInteger(index) && Number.isInteger(port);
}

function isRawHandle(handle: unknown): handle is RawHandle {
  if (typeof handle !== 'object' || handle === null) return false;
  const { fd, close, setBlocking } = handle as Partial<RawHandle>;
  return (
    typeof fd === 'number' && fd >= 0 && typeof close === 'function' && typeof setBlocking === 'function'
  );
}
