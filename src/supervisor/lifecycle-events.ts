// The lifecycle events that transitions name: one builder per kind, so that every path that takes an
// instance into a state reports it in the same words. The instance adds which app and index it is.
import type { PmEventInput } from '../protocol/events.js';
import type { ExitInfo } from '../protocol/process-info.js';
import type { ErroredState } from './process-state.js';
import { describeExit } from './restart-policy.js';

/** An event of one instance, before the instance names itself in it. */
export type LifecycleEvent = Omit<PmEventInput, 'app' | 'index' | 'id'>;

/** What was left of the run's tree, stopped with it. */
const leaks = (exit: ExitInfo): string =>
  exit.leakedProcesses ? `; ${exit.leakedProcesses} leftover process(es) of the run stopped` : '';

const formatRetry = (ms: number): string => (ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms} ms`);

export const lifecycle = {
  started: (pid: number, outOfErrored: boolean): LifecycleEvent => ({
    type: 'started',
    severity: 'info',
    message: `started (pid ${pid})${outOfErrored ? ', out of errored with a fresh restart count' : ''}`,
    data: { pid },
  }),

  adopted: (pid: number): LifecycleEvent => ({
    type: 'adopted',
    severity: 'info',
    message: `adopted running process (pid ${pid})`,
    data: { pid },
  }),

  paused: (): LifecycleEvent => ({ type: 'paused', severity: 'info', message: 'paused' }),

  resumed: (): LifecycleEvent => ({ type: 'resumed', severity: 'info', message: 'resumed' }),

  stopped: (): LifecycleEvent => ({ type: 'stopped', severity: 'info', message: 'stopped' }),

  restarting: (exit: ExitInfo, delayMs: number): LifecycleEvent => ({
    type: 'exited',
    severity: 'warning',
    message: `${describeExit(exit)} after ${exit.uptimeMs} ms${leaks(exit)}; restarting${delayMs > 0 ? ` in ${delayMs} ms` : ''}`,
    data: {
      code: exit.code,
      signal: exit.signal,
      uptimeMs: exit.uptimeMs,
      restartDelayMs: delayMs,
      leakedProcesses: exit.leakedProcesses ?? 0,
    },
  }),

  notRestarted: (exit: ExitInfo): LifecycleEvent => ({
    type: 'exited',
    severity: 'info',
    message: `${describeExit(exit)}${leaks(exit)}; not restarted`,
    data: { code: exit.code, signal: exit.signal, leakedProcesses: exit.leakedProcesses ?? 0 },
  }),

  taskEnded: (exit: ExitInfo, outcome: 'completed' | 'failed'): LifecycleEvent => ({
    type: outcome,
    severity: outcome === 'completed' ? 'info' : 'alert',
    message: `${outcome === 'completed' ? 'completed' : `failed: ${describeExit(exit)}`} after ${exit.uptimeMs} ms${leaks(exit)}`,
    data: { code: exit.code, signal: exit.signal, uptimeMs: exit.uptimeMs },
  }),

  spawnRetry: (message: string, inMs: number): LifecycleEvent => ({
    type: 'spawn-retry',
    severity: 'warning',
    message: `cannot start: ${message}; retrying in ${formatRetry(inMs)}`,
    data: { retryInMs: inMs },
  }),

  errored: (state: ErroredState): LifecycleEvent => {
    const retryInMs = state.retryAt === null || !state.lastExit ? null : state.retryAt - state.lastExit.at;
    return {
      type: 'errored',
      severity: 'alert',
      message: `errored: ${state.reason}: ${state.detail}${retryInMs === null ? '' : `; retrying in ${formatRetry(retryInMs)}`}`,
      data: {
        reason: state.reason,
        code: state.lastExit?.code ?? null,
        signal: state.lastExit?.signal ?? null,
        retryAt: state.retryAt,
      },
    };
  },
};
