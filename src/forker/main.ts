// A fork helper: forks runs for the daemon once the daemon has many children of its own. A fork
// copies the forking process's page tables, and libuv looks at every child it has at each SIGCHLD:
// both grow with the daemon's size and its children, here with a small process and its bounded
// share (docs/architecture.md "Forking at scale"). It imports nothing of ours but what a failed
// fork means (supervisor/spawn-errors.ts): it starts fast and stays small.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { FORK_REFUSED, isTransient } from '../supervisor/spawn-errors.js';
import type { ForkReply, ForkRequest, FromHelper, ToHelper } from './messages.js';

const send = (message: FromHelper): void => {
  process.send?.(message);
};

/** Runs waiting at their gate for the daemon's go: their gate's write end. */
const gates = new Map<number, ChildProcess>();

/** Forks the daemon gave up on before they were read: not made. */
const abandoned = new Set<number>();

function fork(request: ForkRequest): ForkReply {
  const { seq } = request;
  if (abandoned.delete(seq)) return { seq, error: 'given up on', transient: true };
  const fds: number[] = [];
  try {
    fds.push(fs.openSync(request.out, fs.constants.O_RDWR), fs.openSync(request.err, fs.constants.O_RDWR));
    const child = spawn(request.file, request.args, {
      cwd: request.cwd,
      env: request.env,
      detached: true,
      stdio: ['pipe', fds[0], fds[1], ...(request.readyPipe ? ['pipe' as const] : [])],
      ...(request.uid !== undefined && { uid: request.uid, gid: request.gid }),
    });
    if (child.pid === undefined) {
      child.on('error', () => {});
      return { seq, error: FORK_REFUSED, transient: true };
    }
    child.stdin!.on('error', () => {}); // killed meanwhile: EPIPE, and its exit tells the rest
    gates.set(seq, child);
    child.on('error', () => {});
    child.on('exit', (code, signal) => {
      gates.delete(seq);
      send({ exit: seq, code, signal });
    });
    const ready = child.stdio[3];
    if (ready) {
      ready.on('error', () => {});
      ready.once('data', () => {
        ready.destroy();
        send({ notice: seq });
      });
    }
    return { seq, pid: child.pid };
  } catch (error) {
    return { seq, error: (error as Error).message, transient: isTransient(error) };
  } finally {
    for (const fd of fds) fs.closeSync(fd);
  }
}

/** The daemon has the run's pid (and has put it into its cgroup): its program may start. */
function letGo(seq: number): void {
  const child = gates.get(seq);
  if (!child) return;
  gates.delete(seq);
  child.stdin!.end('\n');
  child.stdin!.destroy();
  child.stdin = null;
}

/** The daemon gave the fork up (or its gate hook failed): the run is killed at its gate, or not
 * made if its request is still unread. */
function abort(seq: number): void {
  const child = gates.get(seq);
  if (!child) {
    abandoned.add(seq);
    return;
  }
  gates.delete(seq);
  child.kill('SIGKILL');
  child.stdin!.destroy();
}

function listen(dir: string): void {
  const requests = path.join(dir, 'requests');
  const replies = path.join(dir, 'replies');
  execFileSync('mkfifo', ['-m', '600', requests, replies]);
  // Both read and write: neither end sees an end of file while the daemon opens its own, and the
  // daemon's read of replies sees one when this process is gone.
  const replyFd = fs.openSync(replies, fs.constants.O_RDWR);
  const input = new net.Socket({
    fd: fs.openSync(requests, fs.constants.O_RDWR),
    readable: true,
    writable: false,
  });
  let pending = '';
  input.setEncoding('utf8');
  input.on('data', (chunk: string) => {
    pending += chunk;
    let end = pending.indexOf('\n');
    while (end >= 0) {
      const reply = fork(JSON.parse(pending.slice(0, end)) as ForkRequest);
      fs.writeSync(replyFd, `${JSON.stringify(reply)}\n`);
      pending = pending.slice(end + 1);
      end = pending.indexOf('\n');
    }
  });
  send({ listening: true });
}

// The daemon is gone: so is this helper. A run still at its gate ends when the gate closes.
process.on('disconnect', () => process.exit(0));
process.on('message', (message: ToHelper) => {
  if ('ping' in message) send({ pong: message.ping });
  else if ('go' in message) letGo(message.go);
  else abort(message.abort);
});
listen(process.argv[2]!);
