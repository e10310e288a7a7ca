// Samples every running instance's tree on one interval, keeps a few minutes of history per
// instance, and hands the figures to the instances and to subscribers (top, limits, alerts).
// Nothing samples on request, so `list` stays cheap with 1000 instances.
import { EventEmitter } from 'node:events';
import type { CgroupUsage } from '../isolation/instance-cgroup.js';
import type { ProcBackend } from '../proc/proc-backend.js';
import type { DaemonUsage, InstanceUsage, UsageStats, UsageTrail } from '../protocol/monitoring.js';
import type { TreeUsage, UsageSampler } from './sample-usage.js';
import { UsageHistory } from './usage-history.js';

/** What the monitor needs of an instance; the supervisor's ManagedProcess is one. */
export interface MonitoredInstance {
  readonly id: number;
  /** The main pid (also the process group id); null when not running. */
  readonly pid: number | null;
  readonly spec: { monitoring: { metricsCollection: boolean }; limits?: { maxFds?: number } };
  trackedPids(): Iterable<number>;
  /** Its cgroup's counters, where it has a cgroup: cheaper than the /proc walk, and exact. */
  cgroupUsage?(): CgroupUsage | null;
  recordUsage(sample: TreeUsage): void;
  /** The processes whose open descriptors are counted, and where the count goes. */
  treePids?(): Iterable<number>;
  recordOpenFds?(count: number): void;
}

/** What the monitor needs of the pool: every instance, running or not. */
export interface MonitoredPool {
  all(): readonly MonitoredInstance[];
}

export interface MonitorSample {
  at: number;
  usage: InstanceUsage[];
  daemon: DaemonUsage;
}

export interface MonitorOptions {
  /** Time between samples at first (see setIntervalMs); 0 turns sampling off. */
  intervalMs: number;
  /** How much history each instance keeps. */
  historyWindowMs: number;
  startedAt: number;
  /** Open descriptors per pid, read at once (the process backend's). */
  countOpenFds: ProcBackend['countOpenFds'];
}

/** An instance costs a sample 10-20 µs of reads (its /proc stat, or its cgroup's counters) and as
 * much again in the rest of the sample and the collector: with many instances the time between
 * samples stretches to this much per instance (8 s at 1000, where 4 ms measured 1.4-1.7 % of a core
 * at idle), and below 125 instances it is the configured interval. */
export const STRETCH_MS_PER_INSTANCE = 8;

/** A tick's reads of cgroup counters stop once this much time went by: the rest wait for the next
 * (at 10,000 instances, 0.3 ms each: 2 % of a core, each read every 2.5 minutes). */
export const TICK_BUDGET_MS = 20;

/** Open descriptors are counted at every this many samples (a directory read per process), and at
 * every sample for an instance with a max_fds to check. */
export const FDS_EVERY_SAMPLES = 30;

export class Monitor extends EventEmitter<{ sample: [MonitorSample] }> {
  private timer: NodeJS.Timeout | null = null;
  private histories = new Map<number, UsageHistory>();
  private historyLength: number;
  private currentIntervalMs: number;
  /** Between start() and stop(): a new interval restarts the timer only then. */
  private running = false;
  private daemon: DaemonUsage;
  private lastCpu = process.cpuUsage();
  private lastTickAt: number;
  /** With many instances each tick samples the next slice of them (see STRETCH_MS_PER_INSTANCE):
   * where the next tick starts, and the rounds over all of them so far. */
  private cursor = Number.POSITIVE_INFINITY;
  private rounds = -1;
  /** Each cgroup's CPU time at the last sample, for the CPU percent over the interval. */
  private cgroupCpu = new Map<number, { usec: number; at: number }>();

  constructor(
    private readonly pool: MonitoredPool,
    private readonly sampler: UsageSampler,
    readonly options: MonitorOptions,
  ) {
    super();
    this.currentIntervalMs = options.intervalMs;
    this.historyLength = this.historyLengthFor(options.intervalMs);
    this.lastTickAt = options.startedAt;
    this.daemon = {
      pid: process.pid,
      startedAt: options.startedAt,
      cpuPercent: null,
      memoryBytes: process.memoryUsage.rss(),
    };
  }

  /** Each instance's open descriptors, with one read for all of their processes; none where the
   * host cannot tell. */
  private countFds(instances: MonitoredInstance[]): void {
    if (instances.length === 0) return;
    const trees = instances.map((proc) => [...(proc.treePids?.() ?? [])]);
    const counts = this.options.countOpenFds(trees.flat());
    if (!counts) return;
    instances.forEach((proc, i) => {
      proc.recordOpenFds?.(trees[i]!.reduce((sum, pid) => sum + (counts.get(pid) ?? 0), 0));
    });
  }

  /** Time between samples now; 0 when sampling is off. */
  get intervalMs(): number {
    return this.currentIntervalMs;
  }

  start(): void {
    this.running = true;
    if (this.currentIntervalMs <= 0) return;
    this.timer ??= setInterval(() => this.tick(), this.currentIntervalMs);
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Sample at a new interval from now on: 0 stops sampling, another value restarts the timer. Each
   * history keeps its recent samples and is resized to cover the same window at the new pace.
   */
  setIntervalMs(intervalMs: number): void {
    if (intervalMs === this.currentIntervalMs) return;
    this.currentIntervalMs = intervalMs;
    if (intervalMs > 0) {
      this.historyLength = this.historyLengthFor(intervalMs);
      const resized = new Map<number, UsageHistory>();
      for (const [id, history] of this.histories) resized.set(id, history.resized(this.historyLength));
      this.histories = resized;
    }
    if (!this.running) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.start();
  }

  /** The daemon's own CPU and memory as of the last tick (memory read now). */
  daemonUsage(): DaemonUsage {
    return { ...this.daemon, memoryBytes: process.memoryUsage.rss() };
  }

  /** Min/avg/max over the instance's history; null before its first sample. */
  stats(id: number): UsageStats | null {
    return this.histories.get(id)?.stats() ?? null;
  }

  /** The last `points` samples of every instance that has any. */
  trails(points: number): Record<number, UsageTrail> {
    const trails: Record<number, UsageTrail> = {};
    for (const [id, history] of this.histories) trails[id] = history.trail(points);
    return trails;
  }

  tick(now = Date.now()): void {
    const all = this.pool.all();
    const metered = all.filter((p) => p.pid !== null && p.spec.monitoring.metricsCollection);
    // Many instances stretch the time between two samples of one instance: each tick samples the
    // next slice of them, and no more than its time allows, so that no tick holds the loop for long
    // (at 10,000 instances a cgroup's counters cost 0.3 ms: their files no longer all stay open).
    const slices = Math.max(
      1,
      Math.round((metered.length * STRETCH_MS_PER_INSTANCE) / Math.max(1, this.currentIntervalMs)),
    );
    const sliceSize = Math.ceil(metered.length / slices);
    if (this.cursor >= metered.length) {
      this.cursor = 0;
      this.rounds++;
    }
    const deadline = performance.now() + TICK_BUDGET_MS;
    const running: MonitoredInstance[] = [];
    const usage: InstanceUsage[] = [];
    const fromProc: MonitoredInstance[] = [];
    const sampled = new Map<number, TreeUsage>();
    while (this.cursor < metered.length && running.length < sliceSize && performance.now() < deadline) {
      const proc = metered[this.cursor++]!;
      running.push(proc);
      const counters = proc.cgroupUsage?.();
      if (counters?.cpuUsec != null && counters.memoryBytes !== null)
        sampled.set(proc.id, this.fromCgroup(proc.id, counters.cpuUsec, counters.memoryBytes, now));
      else fromProc.push(proc);
    }
    if (fromProc.length > 0) {
      const targets = fromProc.map((p) => ({ id: p.id, pgid: p.pid!, tracked: p.trackedPids() }));
      for (const [id, sample] of this.sampler.sample(targets, now)) sampled.set(id, sample);
    }
    // Each instance's descriptors are counted at every FDS_EVERY_SAMPLES-th round.
    const countAll = this.rounds % FDS_EVERY_SAMPLES === 0;
    this.countFds(running.filter((proc) => countAll || proc.spec.limits?.maxFds !== undefined));
    for (const proc of running) {
      const sample = sampled.get(proc.id);
      if (!sample) continue;
      proc.recordUsage(sample);
      this.historyOf(proc.id).push(sample.cpuPercent, sample.memoryBytes, now);
      usage.push({ id: proc.id, cpuPercent: sample.cpuPercent, memoryBytes: sample.memoryBytes });
    }
    this.forgetRemoved(all);
    this.daemon = this.measureDaemon(now);
    this.emit('sample', { at: now, usage, daemon: this.daemon });
  }

  private fromCgroup(id: number, usec: number, memoryBytes: number, now: number): TreeUsage {
    const before = this.cgroupCpu.get(id);
    this.cgroupCpu.set(id, { usec, at: now });
    // µs of CPU per ms of time, / 10: percent of one core. A new run's cgroup counts from its start.
    const cpuPercent =
      before && now > before.at && usec >= before.usec ? (usec - before.usec) / (now - before.at) / 10 : 0;
    return { cpuPercent, memoryBytes, pids: [] };
  }

  private historyLengthFor(intervalMs: number): number {
    return Math.max(2, Math.ceil(this.options.historyWindowMs / Math.max(1, intervalMs)));
  }

  private historyOf(id: number): UsageHistory {
    let history = this.histories.get(id);
    if (!history) {
      history = new UsageHistory(this.historyLength, this.options.historyWindowMs);
      this.histories.set(id, history);
    }
    return history;
  }

  private forgetRemoved(all: ReadonlyArray<{ id: number }>): void {
    if (this.histories.size === 0) return;
    const ids = new Set(all.map((p) => p.id));
    for (const id of this.histories.keys()) if (!ids.has(id)) this.histories.delete(id);
    for (const id of this.cgroupCpu.keys()) if (!ids.has(id)) this.cgroupCpu.delete(id);
  }

  private measureDaemon(now: number): DaemonUsage {
    const cpu = process.cpuUsage(this.lastCpu);
    const elapsedMs = now - this.lastTickAt;
    this.lastCpu = process.cpuUsage();
    this.lastTickAt = now;
    return {
      ...this.daemon,
      cpuPercent: elapsedMs > 0 ? ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100 : null,
      memoryBytes: process.memoryUsage.rss(),
    };
  }
}
