// What a failed fork means, for the daemon's own forks (spawn.ts) and a fork helper's
// (forker/main.ts, which imports nothing else of ours: this module imports nothing).

/** Out of file descriptors, processes or memory: a later try may well work. */
const TRANSIENT = new Set(['EMFILE', 'ENFILE', 'EAGAIN', 'ENOMEM']);

export const isTransient = (error: unknown): boolean =>
  TRANSIENT.has((error as NodeJS.ErrnoException | null)?.code ?? '');

/** A spawn without a pid once the program and cwd were checked: the fork itself failed (node tells
 * which way only in a later 'error' event). */
export const FORK_REFUSED = 'the system refused a new process (out of processes, memory or file descriptors)';
