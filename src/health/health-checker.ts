// Schedules the probes of one run of an instance: one probe at a time (never two at once for an
// instance), each within its timeout, each at its interval. It only reports verdicts; the daemon
// turns a failed liveness verdict into a restart of the instance (it never kills anything itself).
import type { ProbeSpec } from '../protocol/app-spec.js';
import type { Health } from '../protocol/process-info.js';
import { describeCheck, type ProbeContext, type RunProbe } from './probe.js';
import {
  activeProbes,
  countResult,
  demandsRestart,
  NEW_TALLY,
  overallHealth,
  type Tally,
} from './probe-tally.js';

/** A change of health, or a failed liveness/startup probe that asks for a restart. */
export interface HealthReport {
  health: Health;
  restart: boolean;
  message: string;
  data: Record<string, string | number | boolean | null>;
}

export interface HealthCheckerDeps {
  runProbe: RunProbe;
  now: () => number;
}

export class HealthChecker {
  private tallies: Tally[];
  private readonly dueAt: number[];
  private health: Health = 'unknown';
  private timer: NodeJS.Timeout | null = null;
  private inFlight: AbortController | null = null;
  private running = false;

  constructor(
    private readonly probes: ProbeSpec[],
    private readonly context: ProbeContext,
    /** Epoch ms when the run started: the start period counts from here. */
    private readonly runStartedAt: number,
    private readonly report: (report: HealthReport) => void,
    private readonly deps: HealthCheckerDeps,
  ) {
    this.tallies = probes.map(() => NEW_TALLY);
    this.dueAt = probes.map(() => deps.now());
  }

  /** Starts or resumes probing (idempotent); probes that fell due while suspended run at once. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  /** Suspends probing (paused, stopping, gone): the probe in flight is aborted and its result dropped. */
  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.inFlight?.abort();
    this.inFlight = null;
  }

  private schedule(): void {
    if (!this.running || this.inFlight || this.timer) return;
    const active = activeProbes(this.probes, this.tallies);
    if (active.length === 0) return;
    const index = active.reduce((a, b) => (this.dueAt[b]! < this.dueAt[a]! ? b : a));
    const delayMs = Math.max(0, this.dueAt[index]! - this.deps.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.probe(index);
    }, delayMs);
  }

  private async probe(index: number): Promise<void> {
    const probe = this.probes[index]!;
    const controller = new AbortController();
    this.inFlight = controller;
    const startedAt = this.deps.now();
    const result = await this.deps.runProbe(probe.check, probe.timeoutMs, this.context, controller.signal);
    if (controller.signal.aborted) return;
    this.inFlight = null;
    this.dueAt[index] = startedAt + probe.intervalMs;
    const before = this.tallies[index]!;
    const after = countResult(before, result, probe, startedAt - this.runStartedAt);
    this.tallies = this.tallies.map((t, i) => (i === index ? after : t));
    const health = overallHealth(this.probes, this.tallies);
    const restart = demandsRestart(probe, before, after);
    if (health !== this.health || restart) {
      const from = this.health;
      this.health = health;
      this.report({ health, restart, ...this.describe(probe, after, from, restart) });
    }
    this.schedule();
  }

  private describe(probe: ProbeSpec, tally: Tally, from: Health, restart: boolean) {
    const check = describeCheck(probe.check);
    const data = { probe: probe.kind, check: check, reason: tally.lastFailure };
    if (tally.verdict !== 'fail') {
      return { message: `health ${from} → ${this.health}: ${probe.kind} probe ${check} passes`, data };
    }
    const failed = `${probe.kind} probe ${check} failed ${tally.failures} times in a row (last: ${tally.lastFailure})`;
    return { message: `health ${from} → ${this.health}: ${failed}${restart ? '; restarting' : ''}`, data };
  }
}
