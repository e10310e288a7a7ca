// THE state machine of an instance. `next()` is pure: it returns the new state and the effects
// to run, and `ManagedProcess` is its only caller. docs/process-states.md draws the same graph.
import type { StopSignal } from '../protocol/app-spec.js';
import type { ExitInfo } from '../protocol/process-info.js';
import type { RestartDecision } from './restart-policy.js';

export type ErroredReason = 'spawn-failed' | 'crash-loop';

export type InstanceState =
  | { status: 'starting'; pid: number; startedAt: number }
  | { status: 'online'; pid: number; startedAt: number }
  | { status: 'paused'; pid: number; startedAt: number }
  | { status: 'stopping'; pid: number; startedAt: number; after: 'stopped' | 'restart' }
  | { status: 'waiting-restart'; restartAt: number; lastExit: ExitInfo }
  | { status: 'stopped'; lastExit: ExitInfo | null }
  /** `retryAt`: when a crash loop is tried again with a fresh count (null: only by hand). */
  | {
      status: 'errored';
      reason: ErroredReason;
      detail: string;
      lastExit: ExitInfo | null;
      retryAt: number | null;
    };

export type InstanceEvent =
  /** The user asks for it to run. */
  | { type: 'start' }
  /** The user asks for a fresh run: stop first if running. */
  | { type: 'restart' }
  | { type: 'stop' }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'spawned'; pid: number; at: number }
  | { type: 'spawn-failed'; message: string }
  /** A new daemon found this instance's process still running (same pid and start time). */
  | { type: 'adopted'; pid: number; startedAt: number }
  /** The process is up (exec succeeded). */
  | { type: 'ready' }
  /** The main process exited and no process of its tree is left; `decision` applies to unexpected exits. */
  | { type: 'exited'; exit: ExitInfo; decision: RestartDecision }
  | { type: 'restart-due' }
  | { type: 'kill-timeout' }
  /** A liveness probe or a resource limit wants a fresh run: a graceful restart of a running process only. */
  | { type: 'check-failed' };

export type Effect =
  | { type: 'spawn' }
  /** Signal the process group and every descendant; `thaw` continues a frozen tree afterwards. */
  | { type: 'signal-tree'; signal: StopSignal; thaw: boolean }
  | { type: 'schedule-kill' }
  | { type: 'kill-tree' }
  | { type: 'schedule-restart'; delayMs: number }
  | { type: 'cancel-timer' }
  | { type: 'freeze' }
  | { type: 'thaw' }
  /** Forget the crash-loop count: leaving `errored` starts afresh. */
  | { type: 'clear-history' };

export interface Transition {
  state: InstanceState;
  effects: Effect[];
}

export interface MachinePolicy {
  stopSignal: StopSignal;
}

export class IllegalTransition extends Error {
  constructor(state: InstanceState, event: InstanceEvent) {
    super(`illegal transition: ${event.type} in state ${state.status}`);
    this.name = 'IllegalTransition';
  }
}

const stay = (state: InstanceState): Transition => ({ state, effects: [] });

function beginStop(
  state: Extract<InstanceState, { pid: number }>,
  after: 'stopped' | 'restart',
  policy: MachinePolicy,
): Transition {
  return {
    state: { status: 'stopping', pid: state.pid, startedAt: state.startedAt, after },
    effects: [
      { type: 'signal-tree', signal: policy.stopSignal, thaw: state.status === 'paused' },
      { type: 'schedule-kill' },
    ],
  };
}

function afterExit(exit: ExitInfo, decision: RestartDecision): Transition {
  switch (decision.action) {
    case 'restart':
      return {
        state: { status: 'waiting-restart', restartAt: exit.at + decision.delayMs, lastExit: exit },
        effects: [
          decision.delayMs > 0 ? { type: 'schedule-restart', delayMs: decision.delayMs } : { type: 'spawn' },
        ],
      };
    case 'stop':
      return stay({ status: 'stopped', lastExit: exit });
    case 'give-up': {
      const errored: InstanceState = {
        status: 'errored',
        reason: decision.reason,
        detail: decision.detail,
        lastExit: exit,
        retryAt: decision.retryInMs === undefined ? null : exit.at + decision.retryInMs,
      };
      return decision.retryInMs === undefined
        ? stay(errored)
        : { state: errored, effects: [{ type: 'schedule-restart', delayMs: decision.retryInMs }] };
    }
  }
}

const spawnFailed = (message: string, lastExit: ExitInfo | null): Transition =>
  stay({ status: 'errored', reason: 'spawn-failed', detail: message, lastExit, retryAt: null });

/** A fresh run out of `errored`, by hand or by its retry timer, starts with a fresh crash-loop count. */
const retry = (): Effect[] => [{ type: 'cancel-timer' }, { type: 'clear-history' }, { type: 'spawn' }];

export function next(state: InstanceState, event: InstanceEvent, policy: MachinePolicy): Transition {
  switch (state.status) {
    case 'stopped':
    case 'errored':
      switch (event.type) {
        case 'start':
        case 'restart':
          return { state, effects: state.status === 'errored' ? retry() : [{ type: 'spawn' }] };
        case 'stop':
          // Stopping an errored instance cancels its retry; the reason stays on show.
          return state.status === 'errored' && state.retryAt !== null
            ? { state: { ...state, retryAt: null }, effects: [{ type: 'cancel-timer' }] }
            : stay(state);
        case 'pause':
        case 'resume':
        case 'check-failed':
          return stay(state);
        case 'spawned':
          return stay({ status: 'starting', pid: event.pid, startedAt: event.at });
        case 'adopted':
          return stay({ status: 'online', pid: event.pid, startedAt: event.startedAt });
        case 'spawn-failed':
          return spawnFailed(event.message, state.lastExit);
        case 'restart-due':
          // The retry of a crash-looped instance (retryAfter) arrives as restart-due.
          return state.status === 'errored' ? { state, effects: retry() } : stay(state);
        default:
          throw new IllegalTransition(state, event);
      }
    case 'waiting-restart':
      switch (event.type) {
        case 'start':
        case 'restart':
          return { state, effects: [{ type: 'cancel-timer' }, { type: 'spawn' }] };
        case 'restart-due':
          return { state, effects: [{ type: 'spawn' }] };
        case 'stop':
          return {
            state: { status: 'stopped', lastExit: state.lastExit },
            effects: [{ type: 'cancel-timer' }],
          };
        case 'pause':
        case 'resume':
        case 'check-failed':
          return stay(state);
        case 'spawned':
          return stay({ status: 'starting', pid: event.pid, startedAt: event.at });
        case 'spawn-failed':
          return spawnFailed(event.message, state.lastExit);
        default:
          throw new IllegalTransition(state, event);
      }
    case 'starting':
    case 'online':
    case 'paused':
      switch (event.type) {
        case 'start':
          return stay(state);
        case 'restart':
          return beginStop(state, 'restart', policy);
        case 'check-failed':
          // A frozen tree is not probed and cannot grow: a late verdict is ignored.
          return state.status === 'paused' ? stay(state) : beginStop(state, 'restart', policy);
        case 'stop':
          return beginStop(state, 'stopped', policy);
        case 'ready':
          return state.status === 'starting' ? stay({ ...state, status: 'online' }) : stay(state);
        case 'pause':
          return state.status === 'paused'
            ? stay(state)
            : { state: { ...state, status: 'paused' }, effects: [{ type: 'freeze' }] };
        case 'resume':
          return state.status === 'paused'
            ? { state: { ...state, status: 'online' }, effects: [{ type: 'thaw' }] }
            : stay(state);
        case 'exited':
          return afterExit(event.exit, event.decision);
        default:
          throw new IllegalTransition(state, event);
      }
    case 'stopping':
      switch (event.type) {
        case 'start':
        case 'restart':
          return stay({ ...state, after: 'restart' });
        case 'stop':
          return stay({ ...state, after: 'stopped' });
        case 'pause':
        case 'resume':
        case 'ready':
        case 'check-failed':
          return stay(state);
        case 'kill-timeout':
          return { state, effects: [{ type: 'kill-tree' }] };
        case 'exited':
          return state.after === 'restart'
            ? {
                state: { status: 'stopped', lastExit: event.exit },
                effects: [{ type: 'cancel-timer' }, { type: 'spawn' }],
              }
            : { state: { status: 'stopped', lastExit: event.exit }, effects: [{ type: 'cancel-timer' }] };
        default:
          throw new IllegalTransition(state, event);
      }
  }
}

/** The pid of the running process, if the state has one. */
export function pidOf(state: InstanceState): number | null {
  return 'pid' in state ? state.pid : null;
}
