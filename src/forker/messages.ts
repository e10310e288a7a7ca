// What the daemon and a fork helper say to each other (forker/main.ts is the helper, fork-helper.ts
// the daemon's side). A fork asks and answers through two FIFOs, read at once; the rest goes over
// the helper's IPC channel.

import type { SpawnPlan } from '../supervisor/spawn.js';

/** One run to fork: what spawn.ts planned, with the output pipes by path (the helper opens them). */
export interface ForkRequest extends SpawnPlan {
  seq: number;
  /** The instance's FIFOs, the run's stdout and stderr. */
  out: string;
  err: string;
  /** The run gets a pipe (fd 3) to say it is ready on. */
  readyPipe: boolean;
}

/** The forked run's pid (it waits at its gate for `go`), or why there is none. */
export type ForkReply = { seq: number; pid: number } | { seq: number; error: string; transient: boolean };

/** Daemon to helper: let the run's program start, or kill it (its gate hook failed, or its fork was
 * given up on: then it is not forked if not yet); are you there? */
export type ToHelper = { go: number } | { abort: number } | { ping: number };

/** Helper to daemon: its FIFOs are open; a run ended; a run said it is ready; here I am. */
export type FromHelper =
  | { listening: true }
  | { pong: number }
  | { exit: number; code: number | null; signal: NodeJS.Signals | null }
  | { notice: number };
