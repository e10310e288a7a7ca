// What a new daemon does with processes of its home that its state file does not account for:
// a run forked just before the previous daemon died (the state names its slot, not its pid) is
// adopted; anything else (leftovers of a dead run, runs of deleted apps, duplicates) is stopped.
// Pure: the daemon finds the processes (proc/home-processes.ts) and carries the plan out.
import type { InstanceRecord, PoolSnapshot } from './records.js';

/** A live process carrying the environment of one of this home's runs. */
export interface FoundProcess {
  pid: number;
  startTime: number;
  session: number;
  /** PM_ID and PM_RUN of the run it belongs to. */
  id: number;
  run: string | null;
}

export interface SweepPlan {
  /** The snapshot with the adopted runs written into their slots. */
  snapshot: PoolSnapshot;
  adopted: number;
  /** Processes that belong to no run the daemon keeps. */
  stop: number[];
}

/** `liveStartTime(pid)`: the start time of a live process (as the process backend reads it), null when there is none. */
export function planSweep(
  snapshot: PoolSnapshot,
  found: readonly FoundProcess[],
  liveStartTime: (pid: number) => number | null,
  now: number,
): SweepPlan {
  const byId = new Map<number, FoundProcess[]>();
  for (const process of found) {
    const ofId = byId.get(process.id);
    if (ofId) ofId.push(process);
    else byId.set(process.id, [process]);
  }
  const stop: number[] = [];
  let adopted = 0;
  const adopt = (record: InstanceRecord): InstanceRecord => {
    const ofSlot = byId.get(record.id) ?? [];
    byId.delete(record.id);
    const recordedLives = record.pid !== null && liveStartTime(record.pid) === record.pidStartTime;
    // Every process of the slot is of the recorded run while its main process lives: a run ends
    // only once its whole tree is gone.
    if (recordedLives || ofSlot.length === 0) return record;
    // The recorded run is over: what is left of it goes. A run the state never saw (forked just
    // before the crash) leads its own session; the newest one is the slot's.
    const unrecorded = ofSlot.filter((p) => p.run !== null && p.run !== record.runId);
    const main = unrecorded.filter((p) => p.pid === p.session).sort((a, b) => b.startTime - a.startTime)[0];
    for (const p of ofSlot) if (!main || p.run !== main.run) stop.push(p.pid);
    if (!main) return record;
    adopted += 1;
    const { after: _after, errored: _errored, ...rest } = record;
    return {
      ...rest,
      status: 'online',
      pid: main.pid,
      pidStartTime: main.startTime,
      startedAt: now,
      runId: main.run!,
    };
  };
  const apps = snapshot.apps.map((app) => ({ ...app, instances: app.instances.map(adopt) }));
  // Processes of instance ids the state does not hold: apps deleted, or never recorded.
  for (const rest of byId.values()) for (const p of rest) stop.push(p.pid);
  return { snapshot: { ...snapshot, apps }, adopted, stop };
}
