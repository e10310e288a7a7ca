// What `pm top` knows, rebuilt from the watch stream: a pure reducer, so that every update
// (snapshot, changes, samples) is tested without a terminal or a daemon.
import { type DaemonUsage, TRAIL_POINTS, type UsageTrail, type WatchEvent } from '../protocol/monitoring.js';
import type { ProcessInfo } from '../protocol/process-info.js';

export interface FeedState {
  /** False until the snapshot has arrived. */
  ready: boolean;
  /** Sorted by app name, then index. */
  processes: ProcessInfo[];
  trails: ReadonlyMap<number, UsageTrail>;
  daemon: DaemonUsage | null;
  metricsIntervalMs: number;
  /** Set when the feed broke (e.g. the daemon went away). */
  error: string | null;
}

export const INITIAL_FEED_STATE: FeedState = {
  ready: false,
  processes: [],
  trails: new Map(),
  daemon: null,
  metricsIntervalMs: 0,
  error: null,
};

const byNameThenIndex = (a: ProcessInfo, b: ProcessInfo) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.index - b.index;

function appendTrail(trail: UsageTrail | undefined, cpuPercent: number, memoryBytes: number): UsageTrail {
  const keep = TRAIL_POINTS - 1;
  return {
    cpuPercent: [...(trail?.cpuPercent.slice(-keep) ?? []), cpuPercent],
    memoryBytes: [...(trail?.memoryBytes.slice(-keep) ?? []), memoryBytes],
  };
}

export function applyWatchEvent(state: FeedState, event: WatchEvent): FeedState {
  switch (event.type) {
    case 'snapshot':
      return {
        ready: true,
        processes: [...event.processes].sort(byNameThenIndex),
        trails: new Map(Object.entries(event.trails).map(([id, trail]) => [Number(id), trail])),
        daemon: event.daemon,
        metricsIntervalMs: event.metricsIntervalMs,
        error: null,
      };
    case 'changes': {
      const updated = new Map(event.processes.map((p) => [p.id, p]));
      const removed = new Set(event.removedIds);
      const kept = state.processes.filter((p) => !removed.has(p.id) && !updated.has(p.id));
      const trails = new Map(state.trails);
      for (const id of removed) trails.delete(id);
      return { ...state, processes: [...kept, ...updated.values()].sort(byNameThenIndex), trails };
    }
    case 'sample': {
      const usage = new Map(event.usage.map((u) => [u.id, u]));
      const trails = new Map(state.trails);
      const processes = state.processes.map((p) => {
        const u = usage.get(p.id);
        if (!u) return p;
        trails.set(p.id, appendTrail(trails.get(p.id), u.cpuPercent, u.memoryBytes));
        return { ...p, cpuPercent: u.cpuPercent, memoryBytes: u.memoryBytes };
      });
      return { ...state, processes, trails, daemon: event.daemon };
    }
  }
}
