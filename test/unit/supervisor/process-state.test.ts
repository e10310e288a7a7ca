// Every edge of the instance state machine, one row each; the coverage test fails on a missing pair.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExitInfo } from '../../../src/protocol/process-info.js';
import { lifecycle } from '../../../src/supervisor/lifecycle-events.js';
import {
  type Effect,
  IllegalTransition,
  type InstanceEvent,
  type InstanceState,
  type MachinePolicy,
  next,
  pidOf,
  type Transition,
} from '../../../src/supervisor/process-state.js';
import type { RestartDecision } from '../../../src/supervisor/restart-policy.js';

type Status = InstanceState['status'];
type EventType = InstanceEvent['type'];

const policy: MachinePolicy = { stopSignal: 'SIGINT' };
const previousExit: ExitInfo = { code: 1, signal: null, at: 900, uptimeMs: 50 };
const exit: ExitInfo = { code: 1, signal: null, at: 5_000, uptimeMs: 4_000 };
const run = { pid: 100, startedAt: 1_000 };

// One sample state per status: the `satisfies` makes a new status a compile error here.
const from = {
  starting: { status: 'starting', ...run },
  online: { status: 'online', ...run },
  paused: { status: 'paused', ...run },
  stopping: { status: 'stopping', ...run, after: 'stopped' },
  'waiting-restart': { status: 'waiting-restart', restartAt: 2_000, lastExit: previousExit },
  stopped: { status: 'stopped', lastExit: previousExit },
  completed: { status: 'completed', lastExit: { ...previousExit, code: 0 } },
  failed: { status: 'failed', lastExit: previousExit },
  errored: {
    status: 'errored',
    reason: 'crash-loop',
    detail: '3 restarts within 60s',
    lastExit: previousExit,
    retryAt: 300_900,
  },
} satisfies { [S in Status]: Extract<InstanceState, { status: S }> };
const stoppingForRestart: InstanceState = { ...from.stopping, after: 'restart' };

const exited = (decision: RestartDecision): Extract<InstanceEvent, { type: 'exited' }> => ({
  type: 'exited',
  exit,
  decision,
});
const restartNow = exited({ action: 'restart', delayMs: 0 });
const restartLater = exited({ action: 'restart', delayMs: 1_500 });
const stopDecision = exited({ action: 'stop', reason: 'auto-restart is off' });
const giveUp = exited({ action: 'give-up', reason: 'crash-loop', detail: 'exited with code 1; 3 restarts' });
const giveUpAndRetry = exited({
  action: 'give-up',
  reason: 'crash-loop',
  detail: 'exited with code 1; 3 restarts',
  retryInMs: 300_000,
});

const restoredErrored: InstanceState = { ...from.errored, retryAt: 12_000 };

// One sample event per type, with the same compile-time completeness.
const on = {
  start: { type: 'start' },
  restart: { type: 'restart' },
  stop: { type: 'stop' },
  pause: { type: 'pause' },
  resume: { type: 'resume' },
  spawned: { type: 'spawned', pid: 200, at: 6_000 },
  'spawn-failed': { type: 'spawn-failed', message: 'spawn ENOENT', retry: null },
  adopted: { type: 'adopted', pid: 300, startedAt: 500, startTime: 42 },
  restored: { type: 'restored', state: restoredErrored, staleRun: { pid: 400, pidStartTime: 7 }, at: 10_000 },
  ready: { type: 'ready' },
  'main-exited': { type: 'main-exited' },
  stragglers: { type: 'stragglers' },
  exited: restartNow,
  'restart-due': { type: 'restart-due' },
  'kill-timeout': { type: 'kill-timeout' },
  'check-failed': { type: 'check-failed' },
} satisfies { [E in EventType]: Extract<InstanceEvent, { type: E }> };

const ILLEGAL = 'illegal';
const NO_OP = 'no-op';
type Expected = typeof ILLEGAL | typeof NO_OP | Transition;

interface Edge {
  from: InstanceState;
  event: InstanceEvent;
  /** Names the case when one (state, event) pair has several edges. */
  guard?: string;
  expected: Expected;
}

const to = (state: InstanceState, ...effects: Effect[]): Transition => ({ state, effects });
/** The same edge, naming the lifecycle event it is. */
const emits = (transition: Transition, event: Transition['event']): Transition => ({ ...transition, event });
const spawn: Effect = { type: 'spawn' };
const cancelTimer: Effect = { type: 'cancel-timer' };
const clearHistory: Effect = { type: 'clear-history' };
const scheduleKill: Effect = { type: 'schedule-kill' };
const signalTree = (thaw: boolean): Effect => ({ type: 'signal-tree', signal: 'SIGINT', thaw });

const spawnedState: InstanceState = { status: 'starting', pid: 200, startedAt: 6_000 };
const adoptedState: InstanceState = { status: 'online', pid: 300, startedAt: 500 };
const spawnFailed = (lastExit: ExitInfo | null) =>
  ({
    status: 'errored',
    reason: 'spawn-failed',
    detail: 'spawn ENOENT',
    lastExit,
    retryAt: null,
  }) as const;
const leftovers = (thaw: boolean): Effect => ({ type: 'end-leftovers', signal: 'SIGINT', thaw });

/** The edges leaving stopped and errored: both are at rest with no process; leaving errored clears the count. */
function restingEdges(
  state: typeof from.stopped | typeof from.completed | typeof from.failed | typeof from.errored,
  restartDue: Expected,
): Edge[] {
  const errored = state.status === 'errored';
  const fresh = errored ? [cancelTimer, clearHistory, spawn] : [spawn];
  const failed = to(spawnFailed(state.lastExit));
  return [
    { from: state, event: on.start, expected: to(state, ...fresh) },
    { from: state, event: on.restart, expected: to(state, ...fresh) },
    { from: state, event: on.pause, expected: NO_OP },
    { from: state, event: on.resume, expected: NO_OP },
    { from: state, event: on.spawned, expected: emits(to(spawnedState), lifecycle.started(200, errored)) },
    {
      from: state,
      event: on['spawn-failed'],
      guard: 'permanent',
      // A second failure in a row raises no second alert.
      expected: errored ? failed : emits(failed, lifecycle.errored(spawnFailed(state.lastExit))),
    },
    {
      from: state,
      event: on.adopted,
      expected: emits(
        to(adoptedState, { type: 'watch-adopted', pid: 300, startTime: 42 }),
        lifecycle.adopted(300),
      ),
    },
    {
      from: state,
      event: on.restored,
      expected: errored
        ? ILLEGAL
        : to(
            restoredErrored,
            { type: 'kill-stale-run', run: { pid: 400, pidStartTime: 7 } },
            { type: 'schedule-restart', delayMs: 2_000 },
          ),
    },
    { from: state, event: on.ready, expected: ILLEGAL },
    { from: state, event: on['main-exited'], expected: ILLEGAL },
    { from: state, event: on.stragglers, expected: ILLEGAL },
    { from: state, event: on.exited, expected: ILLEGAL },
    { from: state, event: on['restart-due'], expected: restartDue },
    { from: state, event: on['kill-timeout'], expected: ILLEGAL },
    { from: state, event: on['check-failed'], expected: NO_OP },
  ];
}

const gaveUp = (retryAt: number | null) =>
  ({
    status: 'errored',
    reason: 'crash-loop',
    detail: 'exited with code 1; 3 restarts',
    lastExit: exit,
    retryAt,
  }) as const;

/** The edges leaving starting, online and paused: a process runs. */
function runningEdges(state: typeof from.starting | typeof from.online | typeof from.paused): Edge[] {
  const paused = state.status === 'paused';
  return [
    { from: state, event: on.start, expected: NO_OP },
    {
      from: state,
      event: on.restart,
      expected: to({ status: 'stopping', ...run, after: 'restart' }, signalTree(paused), scheduleKill),
    },
    {
      from: state,
      event: on.stop,
      expected: to({ status: 'stopping', ...run, after: 'stopped' }, signalTree(paused), scheduleKill),
    },
    {
      from: state,
      event: on.pause,
      expected: paused
        ? NO_OP
        : emits(to({ status: 'paused', ...run }, { type: 'freeze' }), lifecycle.paused()),
    },
    {
      from: state,
      event: on['check-failed'],
      expected: paused
        ? NO_OP
        : to({ status: 'stopping', ...run, after: 'restart' }, signalTree(false), scheduleKill),
    },
    {
      from: state,
      event: on.resume,
      expected: paused
        ? emits(to({ status: 'online', ...run }, { type: 'thaw' }), lifecycle.resumed())
        : NO_OP,
    },
    { from: state, event: on.spawned, expected: ILLEGAL },
    { from: state, event: on['spawn-failed'], expected: ILLEGAL },
    { from: state, event: on.adopted, expected: ILLEGAL },
    { from: state, event: on.restored, expected: ILLEGAL },
    {
      from: state,
      event: on['main-exited'],
      expected: to(state, leftovers(paused), { type: 'await-run-end' }),
    },
    { from: state, event: on.stragglers, expected: to(state, leftovers(paused)) },
    {
      from: state,
      event: on.ready,
      expected: state.status === 'starting' ? to({ status: 'online', ...run }) : NO_OP,
    },
    {
      from: state,
      event: restartNow,
      guard: 'decision restart 0ms',
      expected: emits(
        to({ status: 'waiting-restart', restartAt: 5_000, lastExit: exit }, cancelTimer, spawn),
        lifecycle.restarting(exit, 0),
      ),
    },
    {
      from: state,
      event: restartLater,
      guard: 'decision restart 1500ms',
      expected: emits(
        to({ status: 'waiting-restart', restartAt: 6_500, lastExit: exit }, cancelTimer, {
          type: 'schedule-restart',
          delayMs: 1_500,
        }),
        lifecycle.restarting(exit, 1_500),
      ),
    },
    {
      from: state,
      event: stopDecision,
      guard: 'decision stop',
      expected: emits(to({ status: 'stopped', lastExit: exit }, cancelTimer), lifecycle.notRestarted(exit)),
    },
    {
      from: state,
      event: exited({ action: 'stop', reason: 'completed', outcome: 'completed' }),
      guard: 'decision stop, a task completed',
      expected: emits(
        to({ status: 'completed', lastExit: exit }, cancelTimer),
        lifecycle.taskEnded(exit, 'completed'),
      ),
    },
    {
      from: state,
      event: exited({ action: 'stop', reason: 'auto-restart is off', outcome: 'failed' }),
      guard: 'decision stop, a task failed',
      expected: emits(
        to({ status: 'failed', lastExit: exit }, cancelTimer),
        lifecycle.taskEnded(exit, 'failed'),
      ),
    },
    {
      from: state,
      event: giveUp,
      guard: 'decision give-up',
      expected: emits(to(gaveUp(null), cancelTimer), lifecycle.errored(gaveUp(null))),
    },
    {
      from: state,
      event: giveUpAndRetry,
      guard: 'decision give-up, retry later',
      expected: emits(
        to(gaveUp(305_000), cancelTimer, { type: 'schedule-restart', delayMs: 300_000 }),
        lifecycle.errored(gaveUp(305_000)),
      ),
    },
    { from: state, event: on['restart-due'], expected: ILLEGAL },
    // Armed by end-leftovers after the main process exited.
    { from: state, event: on['kill-timeout'], expected: to(state, { type: 'kill-tree' }) },
  ];
}

const waiting = from['waiting-restart'];
const edges: Edge[] = [
  ...restingEdges(from.stopped, NO_OP),
  { from: from.stopped, event: on.stop, expected: NO_OP },
  ...restingEdges(from.completed, NO_OP),
  { from: from.completed, event: on.stop, expected: NO_OP },
  ...restingEdges(from.failed, NO_OP),
  { from: from.failed, event: on.stop, expected: NO_OP },
  ...restingEdges(from.errored, to(from.errored, cancelTimer, clearHistory, spawn)),
  {
    from: from.errored,
    event: on.stop,
    guard: 'retry pending',
    expected: to({ ...from.errored, retryAt: null }, cancelTimer),
  },
  { from: { ...from.errored, retryAt: null }, event: on.stop, guard: 'no retry', expected: NO_OP },
  ...runningEdges(from.starting),
  ...runningEdges(from.online),
  ...runningEdges(from.paused),

  { from: waiting, event: on.start, expected: to(waiting, cancelTimer, spawn) },
  { from: waiting, event: on.restart, expected: to(waiting, cancelTimer, spawn) },
  {
    from: waiting,
    event: on.stop,
    expected: emits(to({ status: 'stopped', lastExit: previousExit }, cancelTimer), lifecycle.stopped()),
  },
  { from: waiting, event: on.pause, expected: NO_OP },
  { from: waiting, event: on.resume, expected: NO_OP },
  { from: waiting, event: on.spawned, expected: emits(to(spawnedState), lifecycle.started(200, false)) },
  {
    from: waiting,
    event: on['spawn-failed'],
    guard: 'permanent',
    expected: emits(to(spawnFailed(previousExit)), lifecycle.errored(spawnFailed(previousExit))),
  },
  { from: waiting, event: on.adopted, expected: ILLEGAL },
  { from: waiting, event: on.restored, expected: ILLEGAL },
  { from: waiting, event: on.ready, expected: ILLEGAL },
  { from: waiting, event: on['main-exited'], expected: ILLEGAL },
  { from: waiting, event: on.stragglers, expected: ILLEGAL },
  { from: waiting, event: on.exited, expected: ILLEGAL },
  { from: waiting, event: on['restart-due'], expected: to(waiting, spawn) },
  { from: waiting, event: on['kill-timeout'], expected: ILLEGAL },
  { from: waiting, event: on['check-failed'], expected: NO_OP },

  { from: from.stopping, event: on.start, expected: to(stoppingForRestart) },
  { from: from.stopping, event: on.restart, expected: to(stoppingForRestart) },
  { from: stoppingForRestart, event: on.stop, expected: to(from.stopping) },
  { from: from.stopping, event: on.pause, expected: NO_OP },
  { from: from.stopping, event: on.resume, expected: NO_OP },
  { from: from.stopping, event: on.spawned, expected: ILLEGAL },
  { from: from.stopping, event: on['spawn-failed'], expected: ILLEGAL },
  { from: from.stopping, event: on.adopted, expected: ILLEGAL },
  { from: from.stopping, event: on.restored, expected: ILLEGAL },
  { from: from.stopping, event: on.ready, expected: NO_OP },
  { from: from.stopping, event: on['main-exited'], expected: to(from.stopping, { type: 'await-run-end' }) },
  { from: from.stopping, event: on.stragglers, expected: to(from.stopping, leftovers(false)) },
  {
    from: from.stopping,
    event: stopDecision,
    guard: 'after stopped',
    expected: emits(to({ status: 'stopped', lastExit: exit }, cancelTimer), lifecycle.stopped()),
  },
  {
    from: stoppingForRestart,
    event: stopDecision,
    guard: 'after restart',
    expected: emits(to({ status: 'stopped', lastExit: exit }, cancelTimer, spawn), lifecycle.stopped()),
  },
  { from: from.stopping, event: on['restart-due'], expected: ILLEGAL },
  { from: from.stopping, event: on['kill-timeout'], expected: to(from.stopping, { type: 'kill-tree' }) },
  { from: from.stopping, event: on['check-failed'], expected: NO_OP },
];

const transient: InstanceEvent = { type: 'spawn-failed', message: 'EMFILE', retry: { at: 7_000, inMs: 500 } };
const retrying = (lastExit: ExitInfo | null): InstanceState => ({
  status: 'errored',
  reason: 'spawn-failed',
  detail: 'EMFILE',
  lastExit,
  retryAt: 7_500,
});
edges.push(
  {
    from: from.stopped,
    event: transient,
    guard: 'transient',
    expected: emits(
      to(retrying(previousExit), { type: 'schedule-restart', delayMs: 500 }),
      lifecycle.spawnRetry('EMFILE', 500),
    ),
  },
  ...([from.completed, from.failed] as const).map((state) => ({
    from: state,
    event: transient,
    guard: 'transient',
    expected: emits(
      to(retrying(state.lastExit), { type: 'schedule-restart', delayMs: 500 }),
      lifecycle.spawnRetry('EMFILE', 500),
    ),
  })),
  {
    from: from.errored,
    event: transient,
    guard: 'transient',
    expected: to(retrying(previousExit), { type: 'schedule-restart', delayMs: 500 }),
  },
  {
    from: waiting,
    event: transient,
    guard: 'transient',
    expected: emits(
      to(retrying(previousExit), { type: 'schedule-restart', delayMs: 500 }),
      lifecycle.spawnRetry('EMFILE', 500),
    ),
  },
);

const label = (state: InstanceState): string =>
  state.status === 'stopping' ? `stopping(after ${state.after})` : state.status;

function describeEdge({ from, event, guard, expected }: Edge): string {
  const arrow = `${from.status} --${guard ? `${event.type}(${guard})` : event.type}-->`;
  if (expected === ILLEGAL) return `${arrow} IllegalTransition`;
  if (expected === NO_OP) return `${arrow} ${from.status} (no-op)`;
  const effects = expected.effects.map((e) => e.type).join(', ');
  return `${arrow} ${label(expected.state)}${effects ? ` + [${effects}]` : ''}`;
}

for (const edge of edges) {
  test(describeEdge(edge), () => {
    const { from, event, expected } = edge;
    if (expected === ILLEGAL) {
      assert.throws(() => next(from, event, policy), IllegalTransition);
      return;
    }
    const transition = next(from, event, policy);
    if (expected === NO_OP) assert.deepEqual(transition, { state: from, effects: [] });
    else assert.deepEqual(transition, expected);
  });
}

test('the edge table names every (status, event type) pair, and each edge once', () => {
  const names = edges.map(describeEdge);
  assert.equal(new Set(names).size, names.length, 'an edge appears twice');
  for (const status of Object.keys(from) as Status[]) {
    for (const type of Object.keys(on) as EventType[]) {
      const rows = edges.filter((e) => e.from.status === status && e.event.type === type);
      assert.ok(rows.length > 0, `no edge for ${status} --${type}-->`);
      const guarded = rows.filter((e) => e.guard !== undefined).length;
      assert.ok(
        rows.length === 1 ? guarded === 0 : guarded === rows.length,
        `${status} --${type}--> must be one unguarded edge or only guarded edges`,
      );
    }
  }
});

test('an illegal transition names the event and the state', () => {
  assert.throws(() => next(from.stopped, on.ready, policy), {
    message: 'illegal transition: ready in state stopped',
  });
});

test('next never mutates the state it is given', () => {
  for (const edge of edges.filter((e) => e.expected !== ILLEGAL)) {
    const before = structuredClone(edge.from);
    next(edge.from, edge.event, policy);
    assert.deepEqual(edge.from, before, describeEdge(edge));
  }
});

test('pidOf reads the pid of running states only', () => {
  assert.equal(pidOf(from.online), 100);
  assert.equal(pidOf(from.stopping), 100);
  assert.equal(pidOf(from['waiting-restart']), null);
  assert.equal(pidOf(from.errored), null);
});
