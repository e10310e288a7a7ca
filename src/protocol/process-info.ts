// The serializable snapshot of one instance: what `list`, `describe` and `top` show.
// No handles, no timers: the daemon derives it from its state on request.

/** Every instance status, in lifecycle order (metrics and tests enumerate them). */
export const PROCESS_STATUSES = [
  'starting',
  'online',
  'stopping',
  'stopped',
  'waiting-restart',
  'errored',
  'paused',
  /** A task that exited 0: done, not run again until started or its definition changes. */
  'completed',
  /** A task that exited with another code or a signal, and is not restarted. */
  'failed',
  /** Held back until its app's dependencies hold (`reason` says which). */
  'waiting',
  /** Held back by a dependency that cannot hold as things are (it errored or failed). */
  'blocked',
] as const;
export type ProcessStatus = (typeof PROCESS_STATUSES)[number];

export const HEALTH_STATES = ['unknown', 'healthy', 'unhealthy'] as const;
export type Health = (typeof HEALTH_STATES)[number];

/** How a process ended: `code` or `signal` (null when unknown, e.g. an adopted process). */
export interface ExitInfo {
  code: number | null;
  signal: string | null;
  /** Epoch ms. */
  at: number;
  /** Run length in ms. */
  uptimeMs: number;
  /** Processes of the run still alive when its main process ended: stopped, and counted here. */
  leakedProcesses?: number;
}

export interface ProcessInfo {
  /** Daemon-wide unique instance id (a target, like PM2's id). */
  id: number;
  name: string;
  index: number;
  pid: number | null;
  status: ProcessStatus;
  /** Why the instance is errored, or what it waits for; empty otherwise. */
  reason: string;
  health: Health;
  restarts: number;
  /** Epoch ms of the current run's start, or null. */
  startedAt: number | null;
  /** Percent of one core, summed over the process tree; null before the first sample. */
  cpuPercent: number | null;
  /** Resident bytes summed over the process tree; null before the first sample. */
  memoryBytes: number | null;
  /** Open file descriptors of the tree at the last count (every few samples); null before one. */
  openFds: number | null;
  lastExit: ExitInfo | null;
  /** Epoch ms when a waiting restart is due. */
  restartAt: number | null;
  outLog: string;
  errLog: string;
}

/** One instance's restart history entry, shown by `describe`. */
export interface RestartRecord {
  at: number;
  exit: ExitInfo | null;
  reason: string;
}
