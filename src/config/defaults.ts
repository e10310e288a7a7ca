// Every default value of an app definition, in one place.
import type { RecoveryPolicy, StopPolicy } from '../protocol/app-spec.js';

export const DEFAULT_STOP: StopPolicy = { signal: 'SIGTERM', killTimeoutMs: 5000 };

export const DEFAULT_RECOVERY: RecoveryPolicy = {
  autoRestart: 'always',
  maxRestarts: 15,
  restartWindowMs: 60_000,
  minUptimeMs: 1000,
  restartDelayMs: 0,
  backoffMaxMs: 30_000,
  stopExitCodes: [],
  retryAfterMs: 5 * 60_000,
};

/** How long `start`, `restart` and `scale` wait for new instances to come online before replying. */
export const START_WAIT_MS = 3000;
