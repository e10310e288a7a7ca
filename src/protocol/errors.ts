// Expected failures carry a code so that the CLI can pick the exit code and scripts can match on it.

/** `user` codes exit 1 in the CLI; the rest exit 2. */
export type ErrorCode =
  | 'not-found'
  | 'bad-request'
  | 'bad-config'
  | 'conflict'
  /** A reload's replacement was not ready in time: the instance it was to replace still runs. */
  | 'not-ready'
  | 'version-mismatch'
  | 'daemon-unavailable'
  /** A daemon limit (connections, unfinished input, a frame's or an idle connection's time) closed the connection. */
  | 'limit'
  | 'internal';

const USER_ERRORS: ReadonlySet<ErrorCode> = new Set([
  'not-found',
  'bad-request',
  'bad-config',
  'conflict',
  'not-ready',
]);

export class PmError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PmError';
    this.code = code;
  }

  /** True when the user can fix it (exit code 1); false for daemon/internal failures (exit code 2). */
  get isUserError(): boolean {
    return USER_ERRORS.has(this.code);
  }
}

export interface WireError {
  code: ErrorCode;
  message: string;
}

export function toWireError(error: unknown): WireError {
  if (error instanceof PmError) return { code: error.code, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `internal error: ${message}` };
}

export function fromWireError(error: WireError): PmError {
  return new PmError(error.code, error.message);
}
