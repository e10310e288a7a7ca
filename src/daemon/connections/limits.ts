// How much the daemon's connections may hold, from its environment: the number of connections,
// the bytes of unfinished frames across all of them, and how long a frame may take and a
// connection may idle. Read once at start, like the other PM_* settings of the daemon.
import { parseDuration, parseSize } from '../../config/units.js';
import { readFdLimits } from '../fd-limit.js';

export interface ConnectionLimits {
  /** Open connections at most; over it the oldest idle one is closed (PM_MAX_CONNECTIONS). */
  maxConnections: number;
  /** Bytes of frames begun and not finished, across every connection (PM_MAX_UNFINISHED_INPUT). */
  unfinishedInputBytes: number;
  /** From a frame's first byte to its newline (PM_FRAME_TIMEOUT). */
  frameTimeoutMs: number;
  /** Nothing received and nothing being answered or streamed (PM_IDLE_CONNECTION_TIMEOUT). */
  idleTimeoutMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxConnections: 1000,
  unfinishedInputBytes: 16 * 1024 * 1024,
  frameTimeoutMs: 10_000,
  idleTimeoutMs: 60_000,
};

/** The soft limit on open files, or null when /proc does not say. */
export function readOpenFilesLimit(limitsFile?: string): number | null {
  const soft = readFdLimits(limitsFile)?.soft;
  return soft !== undefined && Number.isFinite(soft) ? soft : null;
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && value > 0 ? value : fallback;
}

export function readConnectionLimits(
  env: NodeJS.ProcessEnv = process.env,
  openFilesLimit: number | null = readOpenFilesLimit(),
): ConnectionLimits {
  const defaults = DEFAULT_CONNECTION_LIMITS;
  const count = Number(env.PM_MAX_CONNECTIONS);
  const maxConnections = Number.isInteger(count) && count > 0 ? count : defaults.maxConnections;
  return {
    // Half the descriptors stay for what else the daemon opens (apps' pipes, log files, /proc):
    // connections alone never make an accept, a spawn or a log rotation fail with EMFILE.
    maxConnections:
      openFilesLimit === null ? maxConnections : Math.max(1, Math.min(maxConnections, openFilesLimit >> 1)),
    unfinishedInputBytes: positive(
      parseSize(env.PM_MAX_UNFINISHED_INPUT ?? ''),
      defaults.unfinishedInputBytes,
    ),
    frameTimeoutMs: positive(parseDuration(env.PM_FRAME_TIMEOUT ?? ''), defaults.frameTimeoutMs),
    idleTimeoutMs: positive(parseDuration(env.PM_IDLE_CONNECTION_TIMEOUT ?? ''), defaults.idleTimeoutMs),
  };
}

/** `400ms`, `10s`, `1.5s`: how the limits read in error messages. */
export function describeMs(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${ms / 1000}s`;
}
