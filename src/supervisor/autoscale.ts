// Autoscaling decisions as values (pure, the clock passed in): the daemon's autoscaler feeds them
// the pool's samples and carries out what they say. Grow on a load that stays above the target,
// shrink only on instances that stayed idle: a signal hovering at the target changes nothing.
import type { PoolSpec } from '../protocol/app-spec.js';

/** Consecutive samples of every instance the pool average must stay above the target for: one
 * spike is no load. Samples, not seconds: the monitor stretches its interval with many instances
 * (8 s at 1000), and a window in samples stretches with it (3 s at the default 1 s interval, 24 s
 * at 1000 instances) while the cooldown keeps the pace of decisions. */
export const GROW_WINDOW_SAMPLES = 3;

/** Below this share of the target (and below 1 % of a core, whichever is higher) an instance idles. */
export const IDLE_SHARE_OF_TARGET = 0.05;

export interface CpuSample {
  /** Epoch ms. */
  at: number;
  /** Percent of one core over the interval, summed over the instance's process tree. */
  cpuPercent: number;
}

/** One instance of the pool as the autoscaler sees it. */
export interface InstanceSamples {
  index: number;
  /** Running: sampled; an instance not running counts towards the size but is no signal. */
  running: boolean;
  /** A paused instance is neither idle nor busy. */
  paused: boolean;
  /** Recent samples, oldest first, reaching back at least idleTimeoutMs when there are that many. */
  samples: readonly CpuSample[];
}

/** The latest reading of the pool's queue probe: the jobs waiting, or why there is no number. */
export type QueueReading = { at: number; value: number } | { at: number; error: string };

export interface AutoscaleInput {
  pool: PoolSpec;
  instances: readonly InstanceSamples[];
  /** The latest queue reading of a pool with `queue`; null before the first (or without a queue). */
  queue?: QueueReading | null;
  /** When the last decision was made; null: never. */
  lastDecisionAt: number | null;
  now: number;
}

/** The figures behind a decision, for its event and for `pm describe`. */
export interface AutoscaleFigures {
  from: number;
  to: number;
  /** The pool's average CPU over the window, percent of one core per instance; null when not measured. */
  avgCpuPercent: number | null;
  targetCpuPercent: number;
  /** How long the window of the signal lasted. */
  windowMs: number;
  /** The instances found idle (shrink). */
  idle: number[];
  /** The jobs waiting at the last queue reading, and the jobs per instance; null without a number. */
  queueLength: number | null;
  perInstance: number | null;
}

export type AutoscaleReason = 'cpu' | 'queue' | 'idle' | 'saturated' | 'bounds';

export interface AutoscaleDecision {
  /** The instance count to set; equal to `figures.from` for `saturated` (no change possible). */
  count: number;
  reason: AutoscaleReason;
  /** Indexes to remove when shrinking (the idle ones), highest first. */
  remove: number[];
  figures: AutoscaleFigures;
}

export const idleThresholdPercent = (pool: PoolSpec): number =>
  Math.max(1, pool.targetCpuPercent * IDLE_SHARE_OF_TARGET);

const isSignal = (i: InstanceSamples) => i.running && !i.paused;

/** The pool's average over each of the last samples of its running instances, once every one of
 * them has that many (a new instance, not measured yet, would be counted at the others' load). */
function busySignal(instances: readonly InstanceSamples[]): { rounds: number[]; windowMs: number } | null {
  const running = instances.filter(isSignal);
  const measured = running.filter((i) => i.samples.length >= GROW_WINDOW_SAMPLES);
  if (measured.length === 0 || measured.length < running.length) return null;
  const rounds: number[] = [];
  let oldest = Number.POSITIVE_INFINITY;
  let newest = Number.NEGATIVE_INFINITY;
  for (let back = 1; back <= GROW_WINDOW_SAMPLES; back++) {
    let sum = 0;
    for (const instance of measured) {
      const sample = instance.samples[instance.samples.length - back]!;
      sum += sample.cpuPercent;
      oldest = Math.min(oldest, sample.at);
      newest = Math.max(newest, sample.at);
    }
    rounds.push(sum / measured.length);
  }
  return { rounds, windowMs: newest - oldest };
}

/** Idle: sampled since at least idleTimeoutMs ago, and every sample in that time under the threshold. */
function isIdle(instance: InstanceSamples, pool: PoolSpec, now: number): boolean {
  if (!isSignal(instance) || instance.samples.length === 0) return false;
  const since = now - pool.idleTimeoutMs;
  if (instance.samples[0]!.at > since) return false;
  const threshold = idleThresholdPercent(pool);
  return instance.samples.every((s) => s.at < since || s.cpuPercent < threshold);
}

const average = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** What the queue asks for: ceil(queue / perInstance); null without a queue or without a number. */
export function queueWant(pool: PoolSpec, reading: QueueReading | null | undefined): number | null {
  if (!pool.queue || !reading || !('value' in reading)) return null;
  return Math.ceil(reading.value / pool.queue.perInstance);
}

/** What the pool should do now: null for nothing. */
export function decideScale(input: AutoscaleInput): AutoscaleDecision | null {
  const { pool, instances, lastDecisionAt, now } = input;
  const from = instances.length;
  const wantedByQueue = queueWant(pool, input.queue);
  const queueFigures =
    wantedByQueue === null
      ? { queueLength: null, perInstance: null }
      : { queueLength: (input.queue as { value: number }).value, perInstance: pool.queue!.perInstance };
  const figures = (to: number, extra: Partial<AutoscaleFigures> = {}): AutoscaleFigures => ({
    from,
    to,
    avgCpuPercent: null,
    targetCpuPercent: pool.targetCpuPercent,
    windowMs: 0,
    idle: [],
    ...queueFigures,
    ...extra,
  });
  // Bounds changed at run time (or a manual scale before them): back inside, without waiting.
  if (from < pool.minSize || from > pool.maxSize) {
    const to = Math.min(pool.maxSize, Math.max(pool.minSize, from));
    return { count: to, reason: 'bounds', remove: [], figures: figures(to) };
  }
  if (lastDecisionAt !== null && now - lastDecisionAt < pool.cooldownMs) return null;

  // Each signal's want; the larger wins. The queue says what is needed: no window to wait for.
  const busy = busySignal(instances);
  const cpuBusy = busy?.rounds.every((cpu) => cpu > pool.targetCpuPercent) ?? false;
  const window = busy ? { avgCpuPercent: average(busy.rounds), windowMs: busy.windowMs } : {};
  let cpuWant = 0;
  if (cpuBusy) {
    const active = instances.filter(isSignal).length;
    const needed = Math.ceil((active * average(busy!.rounds)) / pool.targetCpuPercent) + (from - active);
    cpuWant = Math.max(from + 1, needed);
  }
  const want = Math.max(cpuWant, wantedByQueue ?? 0);
  if (want > from) {
    if (from >= pool.maxSize)
      return { count: from, reason: 'saturated', remove: [], figures: figures(from, window) };
    const to = Math.min(pool.maxSize, want);
    const reason = cpuWant >= (wantedByQueue ?? 0) ? 'cpu' : 'queue';
    return { count: to, reason, remove: [], figures: figures(to, window) };
  }

  const idle = instances
    .filter((i) => isIdle(i, pool, now))
    .map((i) => i.index)
    .sort((a, b) => b - a);
  // A queue that wants as many as run (or that gave no number) keeps them, idle or not.
  if (pool.queue && wantedByQueue === null) return null;
  const removable = Math.min(idle.length, from - Math.max(pool.minSize, wantedByQueue ?? 0));
  if (removable <= 0) return null;
  const remove = idle.slice(0, removable);
  const to = from - removable;
  const avgCpuPercent = busy ? average(busy.rounds) : null;
  return {
    count: to,
    reason: 'idle',
    remove,
    figures: figures(to, { avgCpuPercent, windowMs: pool.idleTimeoutMs, idle: remove }),
  };
}
