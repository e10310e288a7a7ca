// Autoscales every pooled app on the monitor's samples and its queue readings: keeps each
// instance's recent CPU, asks the pure decideScale() what to do, and carries it out through the
// pool's scale, one at a time per app. Every decision is an event; what it cannot do (a spawn that
// fails, a pool saturated at max_size, a queue probe without a number) is a `scaling-error` alert,
// tried again at the next decision or probe, never a daemon crash.

import type { ProbeContext } from '../../health/probe.js';
import { probeQueue, queueProbeHint } from '../../health/queue-probe.js';
import type { MonitorSample } from '../../metrics/monitor.js';
import type { AppSpec, PoolSpec, QueueSpec } from '../../protocol/app-spec.js';
import type { EventSink } from '../../protocol/events.js';
import type { AutoscaleInfo } from '../../protocol/messages.js';
import {
  type AutoscaleDecision,
  type CpuSample,
  decideScale,
  GROW_WINDOW_SAMPLES,
  type InstanceSamples,
  queueWant,
} from '../../supervisor/autoscale.js';
import type { ManagedProcess } from '../../supervisor/managed-process.js';
import type { ProcessPool } from '../../supervisor/process-pool.js';
import { instanceEnv } from '../../supervisor/spawn.js';
import { describeDecision, duration, SATURATED_DECISIONS } from './autoscale-messages.js';
import { type QueueProbe, QueueWatch } from './queue-watch.js';

interface AppState {
  /** Recent samples per instance id, oldest first. */
  samples: Map<number, CpuSample[]>;
  lastDecisionAt: number | null;
  lastDecision: { at: number; message: string } | null;
  avgCpuPercent: number | null;
  saturatedStreak: number;
  scaling: boolean;
  /** The instance count the samples were taken at: a change (ours or a user's) starts them anew. */
  count: number;
  /** When a scale last failed: no decision, of any reason, until a cooldown later. */
  failedAt: number | null;
  /** Failures in a row: the alert goes out at the first. */
  failures: number;
  /** A scale in flight, which stop() waits for. */
  inFlight: Promise<void> | null;
}

/** Where the monitor's samples come from (the Monitor). */
interface SampleSource {
  on(event: 'sample', listener: (sample: MonitorSample) => void): unknown;
  off(event: 'sample', listener: (sample: MonitorSample) => void): unknown;
}

export class Autoscaler {
  private readonly apps = new Map<string, AppState>();
  private readonly queues: QueueWatch;

  private readonly onSample = (sample: MonitorSample) => {
    const cpuById = new Map(sample.usage.map((u) => [u.id, u.cpuPercent]));
    // Every pooled app, one scaled to 0 included: its queue may grow it again.
    const byApp = new Map<string, { pool: PoolSpec; procs: ManagedProcess[] }>();
    // An app with metrics off has no CPU samples, and its queue is not probed either (scaling.md).
    for (const spec of this.pool.specs())
      if (spec.pool && spec.monitoring.metricsCollection)
        byApp.set(spec.name, { pool: spec.pool, procs: [] });
    for (const proc of this.pool.all()) byApp.get(proc.name)?.procs.push(proc);
    for (const name of this.apps.keys()) if (!byApp.has(name)) this.apps.delete(name);
    const queues = new Map<string, QueueSpec>();
    for (const [name, { pool }] of byApp) if (pool.queue) queues.set(name, pool.queue);
    this.queues.sync(queues);
    for (const [name, { pool, procs }] of byApp) this.consider(name, pool, procs, cpuById, sample.at);
  };

  constructor(
    private readonly pool: ProcessPool,
    private readonly monitor: SampleSource,
    private readonly events: EventSink,
    options: { home: string; probe?: QueueProbe },
  ) {
    this.queues = new QueueWatch({
      probe: options.probe ?? probeQueue,
      contextOf: (name) => this.probeContext(name, options.home),
      onReading: (name) => this.onQueueReading(name),
      onFailure: (name, queue, reason) => this.queueFailed(name, queue, reason),
    });
  }

  start(): void {
    this.monitor.on('sample', this.onSample);
  }

  /** Waits for a scale in flight: the pool's stop must find every instance it started. */
  async stop(): Promise<void> {
    this.monitor.off('sample', this.onSample);
    this.queues.stop();
    await Promise.all([...this.apps.values()].map((state) => state.inFlight));
  }

  /** What `describe` shows of a pooled app; undefined for an app the autoscaler has not seen. */
  info(name: string): AutoscaleInfo | undefined {
    const state = this.apps.get(name);
    if (!state) return undefined;
    const reading = this.queues.reading(name);
    const pool = this.specOf(name)?.pool;
    return {
      avgCpuPercent: state.avgCpuPercent,
      lastDecision: state.lastDecision,
      scaling: state.scaling,
      ...(pool?.queue && {
        queue: reading && {
          at: reading.at,
          ...('value' in reading
            ? { value: reading.value, wants: queueWant(pool, reading) }
            : { error: reading.error }),
        },
      }),
    };
  }

  private specOf(name: string): AppSpec | undefined {
    return this.pool.specs().find((spec) => spec.name === name);
  }

  private procsOf(name: string): ManagedProcess[] {
    return this.pool.all().filter((proc) => proc.name === name);
  }

  /** The app's directory, environment and user (a probe has no more rights than the app), with the
   * PM_* of its first instance; a pool at 0 gets PM_INSTANCE 0 and no PM_ID or PM_RUN. */
  private probeContext(name: string, home: string): ProbeContext | undefined {
    const spec = this.specOf(name);
    if (!spec) return undefined;
    const proc = this.procsOf(name)[0];
    const env = instanceEnv({
      spec,
      index: proc?.index ?? 0,
      id: proc?.id ?? 0,
      home,
      run: proc?.runId ?? '',
    });
    if (!proc) {
      delete env.PM_ID;
      delete env.PM_RUN;
    }
    return { cwd: spec.cwd, runAs: spec.runAs, env };
  }

  /** A queue reading is a signal of its own: decide on it now, not at the next CPU sample. */
  private onQueueReading(name: string): void {
    const pool = this.specOf(name)?.pool;
    if (pool) this.consider(name, pool, this.procsOf(name), new Map(), Date.now());
  }

  private queueFailed(name: string, queue: QueueSpec, reason: string): void {
    const what = queue.check.type === 'exec' ? `\`${queue.check.command}\`` : `GET ${queue.check.url}`;
    // Not a decision: `describe` shows it on the queue line, and the last scaling stays what it was.
    this.events.record({
      type: 'scaling-error',
      severity: 'alert',
      app: name,
      message:
        `${name} queue probe failed: ${what} ${reason}; ${queueProbeHint(queue.check)} ` +
        `(retried every ${duration(queue.intervalMs)}; no shrinking meanwhile)`,
      data: { reason: 'queue-probe', error: reason },
    });
  }

  private stateOf(name: string): AppState {
    let state = this.apps.get(name);
    if (!state) {
      state = {
        samples: new Map(),
        lastDecisionAt: null,
        lastDecision: null,
        avgCpuPercent: null,
        saturatedStreak: 0,
        scaling: false,
        count: -1,
        failedAt: null,
        failures: 0,
        inFlight: null,
      };
      this.apps.set(name, state);
    }
    return state;
  }

  private consider(
    name: string,
    pool: PoolSpec,
    procs: ManagedProcess[],
    cpuById: Map<number, number>,
    now: number,
  ): void {
    // At 0 instances only a pool that may rest there (min_size 0) with a queue has a signal; any
    // other is between the definition and its first instances (an apply in progress).
    if (procs.length === 0 && (pool.minSize > 0 || !pool.queue)) return;
    const state = this.stateOf(name);
    // Samples taken at another count say nothing of this one: a pool would grow again on load
    // measured before its last growth.
    if (procs.length !== state.count) {
      state.samples.clear();
      state.count = procs.length;
    }
    const instances = procs.map((proc) => this.track(state, proc, cpuById.get(proc.id), pool, now));
    const ids = new Set(procs.map((p) => p.id));
    for (const id of state.samples.keys()) if (!ids.has(id)) state.samples.delete(id);
    const latest = instances.filter((i) => i.running && !i.paused && i.samples.length > 0);
    state.avgCpuPercent =
      latest.length === 0
        ? null
        : latest.reduce((sum, i) => sum + i.samples.at(-1)!.cpuPercent, 0) / latest.length;
    // A decision while a scale runs waits for the next sample after it.
    if (state.scaling) return;
    // The user holds an app that has an instance stopped or paused: no instance is added beside it.
    if (procs.some((p) => p.state.status === 'stopped' || p.state.status === 'paused')) return;
    if (state.failedAt !== null && now - state.failedAt < pool.cooldownMs) return;
    const decision = decideScale({
      pool,
      instances,
      queue: this.queues.reading(name),
      lastDecisionAt: state.lastDecisionAt,
      now,
    });
    if (!decision) {
      const cooledDown = state.lastDecisionAt === null || now - state.lastDecisionAt >= pool.cooldownMs;
      if (cooledDown) state.saturatedStreak = 0;
      return;
    }
    state.lastDecisionAt = now;
    if (decision.reason === 'saturated') {
      state.saturatedStreak++;
      if (state.saturatedStreak === SATURATED_DECISIONS) this.saturated(name, pool, decision, now);
      return;
    }
    state.saturatedStreak = 0;
    // An instance in a crash loop is the app's trouble, not load: more instances would crash as
    // well and fill the pool up to max_size.
    const errored = procs.filter((p) => p.state.status === 'errored');
    if (decision.count > decision.figures.from && errored.length > 0) {
      state.failedAt = now;
      if (state.failures++ === 0) {
        const which = errored.map((p) => `${name}:${p.index}`).join(', ');
        this.scalingError(
          name,
          `not growing ${name}: ${which} errored (see pm describe ${name}); fix the app, then pm reset ${name}`,
          { from: decision.figures.from, to: decision.count, errored: errored.length },
        );
      }
      return;
    }
    this.carryOut(name, pool, decision, state, now);
  }

  /** Appends this tick's sample (an instance sampled in this slice) and drops what the rules no
   * longer need: one sample at or before the idle timeout, and the last few. */
  private track(
    state: AppState,
    proc: ManagedProcess,
    cpuPercent: number | undefined,
    pool: PoolSpec,
    now: number,
  ): InstanceSamples {
    const status = proc.state.status;
    let samples = state.samples.get(proc.id);
    if (!samples) {
      samples = [];
      state.samples.set(proc.id, samples);
    }
    // A paused tree reads 0 %: its samples would make it look idle when it is resumed.
    if (status !== 'online') samples.length = 0;
    else if (cpuPercent !== undefined) samples.push({ at: now, cpuPercent });
    const since = now - pool.idleTimeoutMs;
    while (samples.length > GROW_WINDOW_SAMPLES && samples[1]!.at <= since) samples.shift();
    return { index: proc.index, running: status === 'online', paused: status === 'paused', samples };
  }

  private carryOut(
    name: string,
    pool: PoolSpec,
    decision: AutoscaleDecision,
    state: AppState,
    now: number,
  ): void {
    const message = describeDecision(name, pool, decision);
    state.lastDecision = { at: now, message };
    state.scaling = true;
    const { from, to, avgCpuPercent, targetCpuPercent, windowMs, queueLength, perInstance } =
      decision.figures;
    const why = {
      message,
      data: {
        reason: decision.reason,
        avgCpuPercent,
        targetCpuPercent,
        windowMs,
        idle: decision.remove.join(','),
        queueLength,
        perInstance,
      },
    };
    const before = new Set(this.pool.select({ kind: 'name', name }).map((p) => p.index));
    const failed = (text: string, data: Record<string, string | number | null>) => {
      state.failedAt = Date.now();
      // One alert per streak of failures: a host out of descriptors must not page every minute.
      if (state.failures++ === 0) this.scalingError(name, text, data);
    };
    state.inFlight = this.pool
      .scale(name, { mode: 'set', count: decision.count }, { remove: decision.remove, why, ifCount: from })
      .then((infos) => {
        const errored = infos.filter((p) => !before.has(p.index) && p.status === 'errored');
        if (errored.length === 0) {
          state.failures = 0;
          state.failedAt = null;
          return;
        }
        const which = errored.map((p) => `${name}:${p.index} (${p.reason || 'errored'})`).join(', ');
        failed(`scaled ${name} ${from}→${to} but could not start ${which}; retried a cooldown later`, {
          from,
          to,
          failed: errored.length,
        });
      })
      .catch((error: unknown) => {
        // An app deleted meanwhile is not an error of the autoscaler.
        if ((error as { code?: string }).code === 'not-found') return;
        failed(
          `could not scale ${name} ${from}→${to}: ${(error as Error).message}; retried a cooldown later`,
          {
            from,
            to,
          },
        );
      })
      .finally(() => {
        state.scaling = false;
        state.inFlight = null;
      });
  }

  private saturated(name: string, pool: PoolSpec, decision: AutoscaleDecision, now: number): void {
    const message = describeDecision(name, pool, decision);
    this.apps.get(name)!.lastDecision = { at: now, message };
    this.scalingError(name, message, {
      reason: 'saturated',
      maxSize: pool.maxSize,
      avgCpuPercent: decision.figures.avgCpuPercent,
      targetCpuPercent: pool.targetCpuPercent,
    });
  }

  private scalingError(name: string, message: string, data: Record<string, string | number | null>): void {
    const state = this.apps.get(name);
    if (state) state.lastDecision = { at: state.lastDecisionAt ?? 0, message };
    this.events.record({ type: 'scaling-error', severity: 'alert', app: name, message, data });
  }
}
