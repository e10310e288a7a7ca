// Which lifecycle event, if any, a state change is: one place, so every path reports alike.
import type { PmEventInput } from '../protocol/events.js';
import type { InstanceState } from './process-state.js';
import { describeExit } from './restart-policy.js';

export interface InstanceRef {
  app: string;
  index: number;
  id: number;
}

const formatRetry = (ms: number): string => (ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms} ms`);

export function transitionEvent(
  before: InstanceState,
  after: InstanceState,
  ref: InstanceRef,
): PmEventInput | null {
  if (
    before.status === after.status &&
    ('pid' in before ? before.pid : null) === ('pid' in after ? after.pid : null)
  ) {
    return null;
  }
  const at = ref;
  switch (after.status) {
    case 'starting':
      return {
        ...at,
        type: 'started',
        severity: 'info',
        message: `started (pid ${after.pid})${before.status === 'errored' ? ', out of errored with a fresh restart count' : ''}`,
        data: { pid: after.pid },
      };
    case 'online':
      if (before.status === 'paused') return { ...at, type: 'resumed', severity: 'info', message: 'resumed' };
      if (before.status === 'stopped' || before.status === 'errored' || before.status === 'waiting-restart') {
        return {
          ...at,
          type: 'adopted',
          severity: 'info',
          message: `adopted running process (pid ${after.pid})`,
          data: { pid: after.pid },
        };
      }
      return null;
    case 'paused':
      return { ...at, type: 'paused', severity: 'info', message: 'paused' };
    case 'waiting-restart': {
      const exit = after.lastExit;
      const delayMs = Math.max(0, after.restartAt - exit.at);
      return {
        ...at,
        type: 'exited',
        severity: 'warning',
        message: `${describeExit(exit)} after ${exit.uptimeMs} ms; restarting${delayMs > 0 ? ` in ${delayMs} ms` : ''}`,
        data: { code: exit.code, signal: exit.signal, uptimeMs: exit.uptimeMs, restartDelayMs: delayMs },
      };
    }
    case 'stopped':
      if (before.status === 'stopping')
        return { ...at, type: 'stopped', severity: 'info', message: 'stopped' };
      if (after.lastExit && before.status !== 'waiting-restart') {
        return {
          ...at,
          type: 'exited',
          severity: 'info',
          message: `${describeExit(after.lastExit)}; not restarted`,
          data: { code: after.lastExit.code, signal: after.lastExit.signal },
        };
      }
      return before.status === 'waiting-restart'
        ? { ...at, type: 'stopped', severity: 'info', message: 'stopped' }
        : null;
    case 'errored': {
      const retryInMs = after.retryAt === null || !after.lastExit ? null : after.retryAt - after.lastExit.at;
      return {
        ...at,
        type: 'errored',
        severity: 'alert',
        message: `errored: ${after.reason}: ${after.detail}${retryInMs === null ? '' : `; retrying in ${formatRetry(retryInMs)}`}`,
        data: {
          reason: after.reason,
          code: after.lastExit?.code ?? null,
          signal: after.lastExit?.signal ?? null,
          retryAt: after.retryAt,
        },
      };
    }
    case 'stopping':
      return null;
  }
}
