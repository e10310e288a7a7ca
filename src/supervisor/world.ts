// Everything the supervisor does to the world outside its own objects, in one injected object:
// time, the process tree, and forking. The daemon passes the real ones (daemon/world.ts); unit
// tests pass fakes with a manual clock, so that an instance and the pool run without a process.
import type { BreachCounters, CgroupUsage } from '../isolation/instance-cgroup.js';
import type { OutputPaths } from '../logs/instance-output.js';
import type { AppSpec } from '../protocol/app-spec.js';
import type { EventSink } from '../protocol/events.js';
import type { RecordedRun } from './process-state.js';

/** Whatever the clock's setTimeout returns; only its clearTimeout reads it. */
export type TimerHandle = unknown;

export interface Clock {
  now(): number;
  /** Resolves on a later turn of the event loop: long loops of work yield with it. */
  nextTurn(): Promise<void>;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export interface ProcessTree {
  /** Live pids of the run's tree (group, session, tracked pids and their descendants) outside the
   * process group, which one signal to -pgid reaches; `tracked` becomes the whole live tree. */
  outsideGroup(pgid: number, tracked: Set<number>): number[];
  /** Resolves once no live process of the group, of `tracked`, or of their descendants remains, nor
   * any carrying the run's mark (PM_RUN, since its main's start time): those are handed to
   * onStragglers and waited for too. */
  waitGone(
    pgid: number,
    tracked: Set<number>,
    mark: { id: string; since: number } | null,
    onStragglers: (pids: number[]) => void,
  ): Promise<void>;
  /** Sends a signal to each pid (a negative one is a group); a pid already gone is not an error. */
  signal(pids: Iterable<number>, signal: NodeJS.Signals): void;
  /** True while some process (possibly a zombie) is in the group. */
  groupExists(pgid: number): boolean;
  isAlive(pid: number): boolean;
  /** The start time of a live, non-zombie process (with its pid, what tells it from a later one);
   * null when there is none. Throws when the process table cannot be read now: a restore must not
   * take a live process for gone (it would start a second run beside it). */
  startTime(pid: number): number | null;
  /** Calls onExit once a process that is not our child is gone (or its pid is reused); returns an unwatch. */
  watchExit(pid: number, startTime: number, onExit: () => void): () => void;
  /** Pids of what is left of a recorded run that cannot be adopted (group members, pipe writers). */
  staleRunPids(run: RecordedRun, pipes: string[]): number[];
}

/** The process tree as one instance sees it: its cgroup where the host gives pm cgroups, else its
 * process group, session and /proc (the ProcessTree alone). */
export interface InstanceTree extends ProcessTree {
  /** Stops or continues every process of the tree at once; false where there is no freezer (then
   * SIGSTOP and SIGCONT do it). */
  freeze(frozen: boolean): boolean;
  /** SIGKILL to all of the tree at once (a cgroup's kill, and by pid what escaped it); without a
   * cgroup it does nothing, and the caller signals the tree process by process anyway. */
  killAll(tracked: Set<number>): void;
  /** The instance is gone for good: what holds its tree (a cgroup) is removed. */
  release(): void;
  /** CPU time and memory from the cgroup's counters; null without a cgroup (then /proc is read). */
  usage(): CgroupUsage | null;
  /** The processes in the instance's cgroup; null without one (the run's tracked pids stand in). */
  members(): number[] | null;
  /** The cgroup's OOM kills and refused forks so far; null without a cgroup. */
  breaches(): BreachCounters | null;
}

/** A forked run as the supervisor sees it: a ChildProcess fits, and so does a test's fake. */
export interface Child {
  readonly pid?: number | undefined;
  on(event: 'spawn', listener: () => void): unknown;
  on(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** An instance slot's output pipes and log files (logs/instance-output.ts), as the supervisor uses them. */
export interface Output {
  readonly paths: OutputPaths;
  open(): void;
  /** A new definition may move the log files. */
  configure(spec: AppSpec): void;
  /** The write ends a new run gets as stdout and stderr; the caller closes them. */
  openChildFds(): { stdoutFd: number; stderrFd: number };
  /** `pm flush`: empties the current log files; returns their paths. */
  flush(): string[];
  /** Writes out what the pipes hold now: a run's last lines are in its files before its end is
   * told (a sleeping pipe is read only after its watch's event, which may come after the exit). */
  drain(): void;
  close(): Promise<void>;
  /** `pm update`: write out what was read, leave the pipes for the next daemon. */
  detach(): Promise<void>;
}

export interface RunRequest {
  spec: AppSpec;
  index: number;
  id: number;
  output: Output;
  /** The run gets a pipe to say it is ready on (PM_READY_FD); called at its first line. */
  onReadyNotice?: () => void;
}

/** `run`: the PM_RUN the run's environment carries, which marks every process of the run. */
export type ForkResult =
  | { ok: true; child: Child & { pid: number }; run: string }
  /** `transient`: out of file descriptors, processes or memory, which may pass: worth a retry. */
  | { ok: false; message: string; transient: boolean };

export interface World {
  clock: Clock;
  tree: ProcessTree;
  treeOf(instance: { name: string; index: number; id: number }): InstanceTree;
  events: EventSink;
  /** Forks one run of an instance with its output wired to the instance's pipes. */
  fork(request: RunRequest): ForkResult;
  /** Binds the app's listen: sockets (kept while the addresses stay the same), or lets go of those of
   * an app that has none; rejects with a one-line reason (a port in use). */
  listen(spec: AppSpec): Promise<void>;
  /** The app is gone: its sockets are closed. */
  unlisten(name: string): void;
}
