// What survives a daemon restart: each instance as a record in state.json, the plan that brings a
// record back as state-machine events, and the runtime check of a state file read from disk.
import type { AppSpec } from '../protocol/app-spec.js';
import {
  array,
  type Check,
  int,
  literal,
  nullable,
  object,
  optional,
  type ShapeOf,
  str,
} from '../protocol/check.js';
import { type ExitInfo, PROCESS_STATUSES, type ProcessStatus } from '../protocol/process-info.js';
import { appSpec } from '../protocol/validate-request.js';
import type { ErroredReason, InstanceEvent, InstanceState, RestingState } from './process-state.js';

/** Enough to adopt the running process or restore the state. */
export interface InstanceRecord {
  id: number;
  index: number;
  /** The state's, or `waiting`/`blocked` for an instance the pool holds back (dependencies). */
  status: ProcessStatus;
  pid: number | null;
  /** /proc start time of `pid`, so that a reused pid is never adopted. */
  pidStartTime: number | null;
  startedAt: number | null;
  restarts: number;
  lastExit: ExitInfo | null;
  /** PM_RUN of the run `pid` is the main process of (absent in files of older daemons). */
  runId?: string;
  /** A stop in progress: what was to follow it. */
  after?: 'stopped' | 'restart';
  /** Why an errored instance gave up, and when it retries. */
  errored?: { reason: ErroredReason; detail: string; retryAt: number | null };
  /** One of the two instances of a slot during a reload, which a new daemon drops (the reload is over). */
  reload?: ReloadMark;
}

/** A replacement not ready yet (the instance it replaces keeps the slot), or the instance that a
 * ready replacement took the slot from. */
export type ReloadMark = 'replacement' | 'retiring';

/** The part of the daemon's state that is persisted. */
export interface PoolSnapshot {
  nextId: number;
  apps: Array<{ spec: AppSpec; instances: InstanceRecord[] }>;
}

/** The instance as a record reads it. */
export interface RecordSource {
  readonly id: number;
  readonly index: number;
  readonly state: InstanceState;
  readonly pidStartTime: number | null;
  readonly runId: string | null;
  readonly restarts: number;
  readonly lastExit: ExitInfo | null;
}

export function recordOf(proc: RecordSource): InstanceRecord {
  const state = proc.state;
  const pid = 'pid' in state ? state.pid : null;
  return {
    id: proc.id,
    index: proc.index,
    status: state.status,
    pid,
    pidStartTime: pid === null ? null : proc.pidStartTime,
    startedAt: 'startedAt' in state ? state.startedAt : null,
    restarts: proc.restarts,
    lastExit: proc.lastExit,
    ...(pid !== null && proc.runId !== null && { runId: proc.runId }),
    ...(state.status === 'stopping' && { after: state.after }),
    ...(state.status === 'errored' && {
      errored: { reason: state.reason, detail: state.detail, retryAt: state.retryAt },
    }),
  };
}

export type RestoreOutcome = 'adopted' | 'started' | 'kept';

export interface RestorePlan {
  outcome: RestoreOutcome;
  /** Runs seen so far: with one, the next spawn counts as a restart. */
  runs: number;
  /** Applied in order to a fresh (stopped) instance. */
  events: InstanceEvent[];
}

const SHOULD_RUN: ReadonlySet<ProcessStatus> = new Set(['starting', 'online', 'paused', 'waiting-restart']);

/** What a record without a live process comes back as. */
function restingState(record: InstanceRecord): RestingState {
  const { status, lastExit, errored } = record;
  if (status === 'errored' && errored) return { status, ...errored, lastExit };
  if ((status === 'completed' || status === 'failed') && lastExit) return { status, lastExit };
  return { status: 'stopped', lastExit };
}

/** `liveStartTime`: the start time of the recorded pid now (null: gone or a zombie). A pid that
 * now belongs to another process (another start time) is never adopted. */
export function planRestore(record: InstanceRecord, liveStartTime: number | null, now: number): RestorePlan {
  const { pid, pidStartTime } = record;
  if (pid !== null && pidStartTime !== null && liveStartTime === pidStartTime) {
    const events: InstanceEvent[] = [
      { type: 'adopted', pid, startedAt: record.startedAt ?? now, startTime: pidStartTime },
    ];
    if (record.status === 'paused') events.push({ type: 'pause' });
    if (record.status === 'stopping') events.push({ type: record.after === 'restart' ? 'restart' : 'stop' });
    return { outcome: 'adopted', runs: 1, events };
  }
  const state = restingState(record);
  const events: InstanceEvent[] = [
    { type: 'restored', state, staleRun: pid === null ? null : { pid, pidStartTime }, at: now },
  ];
  const start = SHOULD_RUN.has(record.status) || record.after === 'restart';
  if (start) events.push({ type: 'start' });
  return {
    outcome: start ? 'started' : 'kept',
    // A run that the previous daemon saw makes the next spawn a restart.
    runs: pid !== null || record.lastExit !== null ? 1 : 0,
    events,
  };
}

const MAX_MS = Number.MAX_SAFE_INTEGER;

const exitInfo: Check<ExitInfo> = object({
  code: nullable(int(-1_000, 1_000)),
  signal: nullable(str),
  at: int(0, MAX_MS),
  uptimeMs: int(0, MAX_MS),
  leakedProcesses: optional(int()),
} satisfies ShapeOf<ExitInfo>);

export const instanceRecord = object({
  id: int(),
  index: int(0, 100_000),
  status: literal(...PROCESS_STATUSES),
  pid: nullable(int(1)),
  pidStartTime: nullable(int()),
  startedAt: nullable(int()),
  restarts: int(),
  lastExit: nullable(exitInfo),
  runId: optional(str),
  after: optional(literal('stopped', 'restart')),
  errored: optional(
    object({ reason: literal('spawn-failed', 'crash-loop'), detail: str, retryAt: nullable(int()) }),
  ),
  reload: optional(literal('replacement', 'retiring')),
}) satisfies Check<InstanceRecord>;

const appRecord = object({ spec: appSpec, instances: array(instanceRecord) });

export interface SnapshotCheck {
  snapshot: PoolSnapshot;
  /** One line per app that did not check out, and was left out. */
  problems: string[];
}

/** Checks a snapshot read from disk app by app: an app that does not check out is left out, the
 * others are kept. Throws when the file's shape itself is wrong. */
export function checkSnapshot(value: unknown): SnapshotCheck {
  const { nextId, apps } = object({ nextId: int(), apps: array((v) => v) })(value, 'pool');
  const snapshot: PoolSnapshot = { nextId, apps: [] };
  const problems: string[] = [];
  const names = new Set<string>();
  const ids = new Set<number>();
  apps.forEach((value, i) => {
    const path = `pool.apps[${i}]`;
    try {
      const app = appRecord(value, path);
      const appIds = app.instances.map((r) => r.id);
      // Two slots with one name, index or id would be one process supervised twice; an index is
      // twice only in the middle of a reload, marked on one of the two.
      const kept = app.instances.filter((r) => !r.reload);
      if (names.has(app.spec.name)) throw new Error(`${path}: a second app named "${app.spec.name}"`);
      if (new Set(kept.map((r) => r.index)).size < kept.length)
        throw new Error(`${path}: an instance index appears twice`);
      if (new Set(appIds).size < appIds.length || appIds.some((id) => ids.has(id))) {
        throw new Error(`${path}: an instance id appears twice`);
      }
      names.add(app.spec.name);
      for (const id of appIds) ids.add(id);
      snapshot.apps.push(app);
    } catch (error) {
      problems.push((error as Error).message);
    }
  });
  // New ids must not collide with kept ones, whatever nextId the file says.
  for (const id of ids) snapshot.nextId = Math.max(snapshot.nextId, id + 1);
  return { snapshot, problems };
}
