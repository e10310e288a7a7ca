// THE state machine of an instance. `next()` is pure: it returns the new state, the effects to run
// and the lifecycle event the transition is, and `ManagedProcess` is its only caller.
// docs/process-states.md draws the same graph.
import type { StopSignal } from '../protocol/app-spec.js';
import type { ExitInfo } from '../protocol/process-info.js';
import { type LifecycleEvent, lifecycle } from './lifecycle-events.js';
import type { RestartDecision } from './restart-policy.js';

export type ErroredReason = 'spawn-failed' | 'crash-loop';

export type InstanceState =
  | { status: 'starting'; pid: number; startedAt: number }
  | { status: 'online'; pid: number; startedAt: number }
  | { status: 'paused'; pid: number; startedAt: number }
  | { status: 'stopping'; pid: number; startedAt: number; after: 'stopped' | 'restart' }
  | { status: 'waiting-restart'; restartAt: number; lastExit: ExitInfo }
  | { status: 'stopped'; lastExit: ExitInfo | null }
  /** A task's run ended: exit 0 (`completed`), or a failure it is not restarted after (`failed`). */
  | { status: 'completed'; lastExit: ExitInfo }
  | { status: 'failed'; lastExit: ExitInfo }
  | ErroredState;

/** `retryAt`: when a crash loop is tried again with a fresh count (null: only by hand). */
export interface ErroredState {
  status: 'errored';
  reason: ErroredReason;
  detail: string;
  lastExit: ExitInfo | null;
  retryAt: number | null;
}

/** The states without a process, which a new daemon restores from the state file. */
export type RestingState = Extract<InstanceState, { status: 'stopped' | 'errored' | 'completed' | 'failed' }>;

/** A run the previous daemon recorded: its main pid and that pid's /proc start time. */
export interface RecordedRun {
  pid: number;
  pidStartTime: number | null;
}

export type InstanceEvent =
  /** The user asks for it to run. */
  | { type: 'start' }
  /** The user asks for a fresh run: stop first if running. */
  | { type: 'restart' }
  | { type: 'stop' }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'spawned'; pid: number; at: number }
  /** `retry`: the failure is transient (out of file descriptors, processes or memory): try again then. */
  | { type: 'spawn-failed'; message: string; retry: { at: number; inMs: number } | null }
  /** A new daemon found this instance's process still running (same pid and start time). */
  | { type: 'adopted'; pid: number; startedAt: number; startTime: number }
  /** A new daemon brings back what the state file says of an instance without a live process;
   * `staleRun` is the recorded run whose main process died while no daemon watched. */
  | { type: 'restored'; state: RestingState; staleRun: RecordedRun | null; at: number }
  /** The process is up (exec succeeded). */
  | { type: 'ready' }
  /** The main process exited; the run ends when the rest of its tree is gone too. */
  | { type: 'main-exited' }
  /** After the tree looked empty, processes carrying the run's mark were found (they escaped both
   * its group and its session): they are the run's too, and get its stop signal, then SIGKILL. */
  | { type: 'stragglers' }
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
  | { type: 'clear-history' }
  /** Watch an adopted process (not our child) for its exit. */
  | { type: 'watch-adopted'; pid: number; startTime: number }
  /** The main process is gone: what is left of its tree gets the stop signal, then SIGKILL after the
   * timeout (`thaw` continues a frozen leftover so that it acts on the signal). */
  | { type: 'end-leftovers'; signal: StopSignal; thaw: boolean }
  /** Report `exited` once no process of the run's tree is left. */
  | { type: 'await-run-end' }
  /** Kill what is left of a run that cannot be adopted: next to a fresh run it would be a duplicate. */
  | { type: 'kill-stale-run'; run: RecordedRun };

export interface Transition {
  state: InstanceState;
  effects: Effect[];
  /** The lifecycle event this transition is, if it is one. */
  event?: LifecycleEvent;
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

const stay = (state: InstanceState, event?: LifecycleEvent): Transition =>
  event ? { state, effects: [], event } : { state, effects: [] };

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

/** The run has ended on its own: the leftover kill timer, if one was armed, is moot. */
function afterExit(exit: ExitInfo, decision: RestartDecision): Transition {
  const cancel: Effect = { type: 'cancel-timer' };
  switch (decision.action) {
    case 'restart':
      return {
        state: { status: 'waiting-restart', restartAt: exit.at + decision.delayMs, lastExit: exit },
        effects: [
          cancel,
          decision.delayMs > 0 ? { type: 'schedule-restart', delayMs: decision.delayMs } : { type: 'spawn' },
        ],
        event: lifecycle.restarting(exit, decision.delayMs),
      };
    case 'stop':
      return decision.outcome
        ? {
            state: { status: decision.outcome, lastExit: exit },
            effects: [cancel],
            event: lifecycle.taskEnded(exit, decision.outcome),
          }
        : {
            state: { status: 'stopped', lastExit: exit },
            effects: [cancel],
            event: lifecycle.notRestarted(exit),
          };
    case 'give-up': {
      const errored: ErroredState = {
        status: 'errored',
        reason: decision.reason,
        detail: decision.detail,
        lastExit: exit,
        retryAt: decision.retryInMs === undefined ? null : exit.at + decision.retryInMs,
      };
      return {
        state: errored,
        effects:
          decision.retryInMs === undefined
            ? [cancel]
            : [cancel, { type: 'schedule-restart', delayMs: decision.retryInMs }],
        event: lifecycle.errored(errored),
      };
    }
  }
}

/** A second failure in a row stays `errored` without a second event. A transient one is retried. */
function spawnFailed(
  from: InstanceState,
  event: Extract<InstanceEvent, { type: 'spawn-failed' }>,
  lastExit: ExitInfo | null,
): Transition {
  const { message, retry } = event;
  const errored: ErroredState = {
    status: 'errored',
    reason: 'spawn-failed',
    detail: message,
    lastExit,
    retryAt: retry && retry.at + retry.inMs,
  };
  const report =
    from.status === 'errored'
      ? undefined
      : retry
        ? lifecycle.spawnRetry(message, retry.inMs)
        : lifecycle.errored(errored);
  return {
    state: errored,
    effects: retry ? [{ type: 'schedule-restart', delayMs: retry.inMs }] : [],
    ...(report && { event: report }),
  };
}

const spawned = (from: InstanceState, pid: number, at: number): Transition =>
  stay({ status: 'starting', pid, startedAt: at }, lifecycle.started(pid, from.status === 'errored'));

/** A fresh run out of `errored`, by hand or by its retry timer, starts with a fresh crash-loop count. */
const retry = (): Effect[] => [{ type: 'cancel-timer' }, { type: 'clear-history' }, { type: 'spawn' }];

function restore(event: Extract<InstanceEvent, { type: 'restored' }>): Transition {
  const effects: Effect[] = [];
  if (event.staleRun) effects.push({ type: 'kill-stale-run', run: event.staleRun });
  const { state } = event;
  // An errored instance keeps its retry: the time left, or at once if it passed while no daemon ran.
  if (state.status === 'errored' && state.retryAt !== null) {
    effects.push({ type: 'schedule-restart', delayMs: Math.max(0, state.retryAt - event.at) });
  }
  return { state, effects };
}

export function next(state: InstanceState, event: InstanceEvent, policy: MachinePolicy): Transition {
  switch (state.status) {
    case 'stopped':
    case 'completed':
    case 'failed':
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
          return spawned(state, event.pid, event.at);
        case 'adopted':
          return {
            state: { status: 'online', pid: event.pid, startedAt: event.startedAt },
            effects: [{ type: 'watch-adopted', pid: event.pid, startTime: event.startTime }],
            event: lifecycle.adopted(event.pid),
          };
        case 'restored':
          if (state.status !== 'errored') return restore(event);
          throw new IllegalTransition(state, event);
        case 'spawn-failed':
          return spawnFailed(state, event, state.lastExit);
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
            event: lifecycle.stopped(),
          };
        case 'pause':
        case 'resume':
        case 'check-failed':
          return stay(state);
        case 'spawned':
          return spawned(state, event.pid, event.at);
        case 'spawn-failed':
          return spawnFailed(state, event, state.lastExit);
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
            : {
                state: { ...state, status: 'paused' },
                effects: [{ type: 'freeze' }],
                event: lifecycle.paused(),
              };
        case 'resume':
          return state.status === 'paused'
            ? {
                state: { ...state, status: 'online' },
                effects: [{ type: 'thaw' }],
                event: lifecycle.resumed(),
              }
            : stay(state);
        case 'main-exited':
          return {
            state,
            effects: [
              { type: 'end-leftovers', signal: policy.stopSignal, thaw: state.status === 'paused' },
              { type: 'await-run-end' },
            ],
          };
        case 'kill-timeout':
          // Armed by end-leftovers: what is left of the run ignored the stop signal.
          return { state, effects: [{ type: 'kill-tree' }] };
        case 'stragglers':
          return {
            state,
            effects: [{ type: 'end-leftovers', signal: policy.stopSignal, thaw: state.status === 'paused' }],
          };
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
        case 'main-exited':
          return { state, effects: [{ type: 'await-run-end' }] };
        case 'kill-timeout':
          return { state, effects: [{ type: 'kill-tree' }] };
        case 'stragglers':
          return { state, effects: [{ type: 'end-leftovers', signal: policy.stopSignal, thaw: false }] };
        case 'exited':
          return {
            state: { status: 'stopped', lastExit: event.exit },
            effects:
              state.after === 'restart'
                ? [{ type: 'cancel-timer' }, { type: 'spawn' }]
                : [{ type: 'cancel-timer' }],
            event: lifecycle.stopped(),
          };
        default:
          throw new IllegalTransition(state, event);
      }
  }
}

/** The pid of the running process, if the state has one. */
export function pidOf(state: InstanceState): number | null {
  return 'pid' in state ? state.pid : null;
}
