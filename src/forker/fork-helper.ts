// The daemon's side of one fork helper (forker/main.ts): forks a run through it and hears its end.
// The fork is asked and answered at once, as the daemon's own fork is, through two FIFOs: the
// supervisor gets the pid in the same step. The answer is awaited at most 2 s: a helper that is
// gone costs one failed fork (retried as transient) and is replaced; one that is slow or stopped
// gets no fork until it answers a ping, and is killed if it does not.
import { type ChildProcess, fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { ExitPace } from './exit-pace.js';
import type { ForkReply, ForkRequest, FromHelper, ToHelper } from './messages.js';

/** How long one fork may take in the helper before the helper is taken for hung. */
const ANSWER_DEADLINE_MS = 2000;
/** A helper that did not answer a fork in time and then does not answer a ping by this is killed. */
const STALL_KILL_MS = 10_000;
/** Reading the start time of a helper's orphaned run is tried again after this. */
const FOLLOW_RETRY_MS = 1000;
/** A helper that does not listen by then is taken for broken (the daemon forks meanwhile). */
const LISTEN_DEADLINE_MS = 10_000;
/** The wait between looks at a FIFO that has no answer yet. */
const LOOK_EVERY_MS = 0.1;

/** How the runs of a helper that is gone are followed: by pid, as adopted runs are. */
export interface OrphanedRuns {
  /** The live process's start time, null when it is gone; throws when the table cannot be read. */
  startTime(pid: number): number | null;
  watchExit(pid: number, startTime: number, onExit: () => void): void;
}

/** A run forked through a helper, with the events of a ChildProcess the supervisor listens to. */
export type HelperRun = EventEmitter & { readonly pid: number };

interface Run {
  child: HelperRun;
  onReadyNotice: (() => void) | undefined;
}

export interface ForkHelperOptions {
  /** The helper's script. */
  entry: string;
  /** A new private directory for its FIFOs, removed once they are open. */
  dir: string;
  orphaned: OrphanedRuns;
  /** Where the runs' ends are told (with those of the daemon's own children). */
  exits: ExitPace;
  /** Called when its last run has ended. */
  onIdle?: () => void;
  listenDeadlineMs?: number;
  /** How long a stalled helper has to answer a ping (STALL_KILL_MS). */
  stallKillMs?: number;
}

export interface HelperForkRequest extends Omit<ForkRequest, 'seq'> {
  /** The app's program, as messages name it (the file may be the prelude's shell). */
  program: string;
  /** Called with the pid while the run waits at its gate; a throw kills the run (as in spawn.ts). */
  beforeExec?: (pid: number) => void;
  onReadyNotice?: () => void;
}

export type HelperFork = { ok: true; child: HelperRun } | { ok: false; message: string; transient: boolean };

const lookAgain = new Int32Array(new SharedArrayBuffer(4));

class Unanswered extends Error {}

export class ForkHelper {
  private readonly process: ChildProcess;
  private requestFd: number | null = null;
  private replyFd: number | null = null;
  private seq = 0;
  private readonly runs = new Map<number, Run>();
  private state: 'starting' | 'listening' | 'stalled' | 'gone' = 'starting';
  private listened = false;

  constructor(private readonly options: ForkHelperOptions) {
    const { entry, dir, listenDeadlineMs = LISTEN_DEADLINE_MS } = options;
    this.process = fork(entry, [dir], {
      // Nothing of the daemon's: each request brings its run's environment, and a helper is no
      // process of the home (sweeps and `pm kill` look for PM_HOME).
      env: { PATH: process.env.PATH },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      // As the daemon's (cli/launch-daemon.ts): less memory; the helper's work is node's C++.
      execArgv: ['--max-semi-space-size=1', '--no-opt', '--no-sparkplug'],
    });
    this.process.on('error', () => this.end());
    this.process.on('exit', () => this.end());
    this.process.on('message', (message: FromHelper) => this.hear(message));
    setTimeout(() => {
      if (this.state === 'starting') this.process.kill('SIGKILL');
    }, listenDeadlineMs).unref();
    // The daemon's exit ends the helper (its channel closes): neither keeps the daemon's loop going.
    this.process.unref();
    this.process.channel?.unref();
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  /** It listened once: a helper gone before that may not start at all. */
  get everReady(): boolean {
    return this.listened;
  }

  get ready(): boolean {
    return this.state === 'listening';
  }

  get ended(): boolean {
    return this.state === 'gone';
  }

  /** Runs forked here that have not ended. */
  get size(): number {
    return this.runs.size;
  }

  fork(request: HelperForkRequest): HelperFork {
    const { beforeExec, onReadyNotice, program, ...wanted } = request;
    const seq = ++this.seq;
    let reply: ForkReply;
    try {
      reply = this.ask({ seq, ...wanted });
    } catch (error) {
      if (error instanceof Unanswered) this.stall(seq);
      else {
        // Gone: a run it may have forked dies at its closed gate.
        this.process.kill('SIGKILL');
        this.end();
      }
      const why =
        error instanceof Unanswered ? error.message : `the fork helper is gone (${(error as Error).message})`;
      return { ok: false, message: `cannot start ${program}: ${why}`, transient: true };
    }
    if ('error' in reply)
      return { ok: false, message: `cannot start ${program}: ${reply.error}`, transient: reply.transient };
    const { pid } = reply;
    if (beforeExec) {
      try {
        beforeExec(pid);
      } catch (error) {
        this.tell({ abort: seq });
        return {
          ok: false,
          message: error instanceof Error ? error.message : String(error),
          transient: false,
        };
      }
    }
    const child = Object.assign(new EventEmitter(), { pid });
    this.runs.set(seq, { child, onReadyNotice });
    this.tell({ go: seq });
    // As node's own: the run was forked; its program is told to start.
    setImmediate(() => child.emit('spawn'));
    return { ok: true, child };
  }

  private tell(message: ToHelper): void {
    if (this.process.connected) this.process.send(message);
  }

  /** No longer needed (it has no runs). */
  close(): void {
    this.end();
  }

  /** Slow, or stopped: no fork goes to it until it answers a ping; if it does not, it is killed and
   * its runs are followed by pid. The run of the unanswered fork is not let go (nor forked, if the
   * request is still unread). */
  private stall(seq: number): void {
    this.state = 'stalled';
    this.tell({ abort: seq });
    this.tell({ ping: seq });
    setTimeout(() => {
      if (this.state === 'stalled') this.process.kill('SIGKILL');
    }, this.options.stallKillMs ?? STALL_KILL_MS).unref();
  }

  private hear(message: FromHelper): void {
    if ('listening' in message) this.open();
    else if ('pong' in message) {
      if (this.state === 'stalled') this.state = 'listening';
    } else if ('notice' in message) this.runs.get(message.notice)?.onReadyNotice?.();
    else {
      const run = this.runs.get(message.exit);
      this.runs.delete(message.exit);
      // Told with the ends of the daemon's own children, a few per turn.
      if (run)
        this.options.exits.add(run.child.pid, () => run.child.emit('exit', message.code, message.signal));
      if (run && this.runs.size === 0) this.options.onIdle?.();
    }
  }

  private open(): void {
    try {
      this.requestFd = fs.openSync(
        path.join(this.options.dir, 'requests'),
        fs.constants.O_WRONLY | fs.constants.O_NONBLOCK,
      );
      this.replyFd = fs.openSync(
        path.join(this.options.dir, 'replies'),
        fs.constants.O_RDONLY | fs.constants.O_NONBLOCK,
      );
      this.state = 'listening';
      this.listened = true;
    } catch {
      this.process.kill('SIGKILL');
    } finally {
      fs.rmSync(this.options.dir, { recursive: true, force: true });
    }
  }

  /** Writes the request and reads its answer, waiting at most the deadline. */
  private ask(request: ForkRequest): ForkReply {
    if (this.state !== 'listening') throw new Error('not listening');
    const deadline = performance.now() + ANSWER_DEADLINE_MS;
    const bytes = Buffer.from(`${JSON.stringify(request)}\n`);
    for (let written = 0; written < bytes.length; ) {
      const n = this.attempt(() => fs.writeSync(this.requestFd!, bytes, written), deadline);
      written += n;
    }
    const buffer = Buffer.alloc(4096);
    let answer = '';
    for (;;) {
      const n = this.attempt(() => fs.readSync(this.replyFd!, buffer), deadline);
      if (n === 0) throw new Error('its end of the answers closed');
      answer += buffer.toString('utf8', 0, n);
      const end = answer.indexOf('\n');
      if (end < 0) continue;
      const reply = JSON.parse(answer.slice(0, end)) as ForkReply;
      answer = answer.slice(end + 1);
      // The answer to a fork given up on (the helper was slow), read now and passed over.
      if (reply.seq < request.seq) continue;
      if (reply.seq !== request.seq) throw new Error(`it answered fork ${reply.seq} for fork ${request.seq}`);
      return reply;
    }
  }

  /** Runs a non-blocking read or write until it moves bytes, or throws at the deadline. */
  private attempt(step: () => number, deadline: number): number {
    for (;;) {
      try {
        return step();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      }
      if (performance.now() > deadline)
        throw new Unanswered(`the fork helper did not answer in ${ANSWER_DEADLINE_MS / 1000} s`);
      Atomics.wait(lookAgain, 0, 0, LOOK_EVERY_MS);
    }
  }

  /** The helper is gone: its runs, now children of another process, are followed by pid (their
   * exit codes are unknown, and a run that had not said it is ready cannot any more: its ready
   * pipe went with the helper). */
  private end(): void {
    if (this.state === 'gone') return;
    this.state = 'gone';
    this.process.kill('SIGKILL'); // an 'error' may come from a helper that still runs
    for (const fd of [this.requestFd, this.replyFd]) if (fd !== null) fs.closeSync(fd);
    fs.rmSync(this.options.dir, { recursive: true, force: true });
    for (const { child } of this.runs.values()) this.follow(child);
    this.runs.clear();
  }

  /** Watches an orphaned run by pid and start time, read now (a run whose table cannot be read
   * now is tried again: it is not taken for gone). */
  private follow(child: HelperRun): void {
    const ended = () => child.emit('exit', null, null);
    let startTime: number | null;
    try {
      startTime = this.options.orphaned.startTime(child.pid);
    } catch {
      setTimeout(() => this.follow(child), FOLLOW_RETRY_MS).unref();
      return;
    }
    if (startTime === null) setImmediate(ended);
    else this.options.orphaned.watchExit(child.pid, startTime, ended);
  }
}
