// What the monitor sends over the socket: usage samples, the `watch` stream that feeds `pm top`,
// min/avg/max for `describe`, and metric families for `pm metrics` and Prometheus.
import type { ProcessInfo } from './process-info.js';

/** One instance's tree usage at one tick. */
export interface InstanceUsage {
  id: number;
  /** Percent of one core over the last interval, summed over the process tree. */
  cpuPercent: number;
  /** Resident bytes summed over the process tree. */
  memoryBytes: number;
}

/** The daemon's own footprint, shown in the header of `pm top`. */
export interface DaemonUsage {
  pid: number;
  /** Epoch ms. */
  startedAt: number;
  /** Percent of one core over the last interval; null before the first tick. */
  cpuPercent: number | null;
  memoryBytes: number;
}

/** Minimum, average and maximum of one figure over the history window. */
export interface Spread {
  min: number;
  avg: number;
  max: number;
}

/** Usage over an instance's recent history (a few minutes), for `describe`. */
export interface UsageStats {
  samples: number;
  /** Time covered by the samples, in ms. */
  windowMs: number;
  cpuPercent: Spread;
  memoryBytes: Spread;
}

/** The most recent samples of one instance, oldest first, for sparklines. */
export interface UsageTrail {
  cpuPercent: number[];
  memoryBytes: number[];
}

/** Samples per instance that the `watch` snapshot carries and `pm top` keeps for its sparklines. */
export const TRAIL_POINTS = 60;

/** One item of the `watch` stream. The first is always a snapshot; updates follow with no gap. */
export type WatchEvent =
  | {
      type: 'snapshot';
      processes: ProcessInfo[];
      daemon: DaemonUsage;
      /** Recent samples per instance id. */
      trails: Record<number, UsageTrail>;
      /** Time between samples; 0 when the daemon does not sample. */
      metricsIntervalMs: number;
    }
  /** Instances that changed (state, pid, health, restarts) or were removed. */
  | { type: 'changes'; processes: ProcessInfo[]; removedIds: number[] }
  /** One tick of the monitor: every sampled instance, and the daemon itself. */
  | { type: 'sample'; at: number; usage: InstanceUsage[]; daemon: DaemonUsage };

/** A Prometheus metric family; `pm metrics` and the /metrics endpoint print the same ones. */
export interface MetricFamily {
  /** Metric name, e.g. `pm_instance_cpu_percent`. */
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  samples: Array<{ labels: Record<string, string>; value: number }>;
}
