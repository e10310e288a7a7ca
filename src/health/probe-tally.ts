// Pure health verdicts: consecutive results per probe against its thresholds, and what they add up
// to for the instance. The checker feeds results in; nothing here runs a probe or reads a clock.
import type { ProbeSpec } from '../protocol/app-spec.js';
import type { Health } from '../protocol/process-info.js';
import type { ProbeResult } from './probe.js';

export type Verdict = 'unknown' | 'pass' | 'fail';

export interface Tally {
  successes: number;
  failures: number;
  verdict: Verdict;
  /** A startup probe gates the others until it has passed once. */
  passedOnce: boolean;
  lastFailure: string | null;
}

export const NEW_TALLY: Tally = {
  successes: 0,
  failures: 0,
  verdict: 'unknown',
  passedOnce: false,
  lastFailure: null,
};

/** Counts one result; a failure within the start period is not held against the run. */
export function countResult(tally: Tally, result: ProbeResult, probe: ProbeSpec, runAgeMs: number): Tally {
  if (result.ok) {
    const successes = tally.successes + 1;
    const verdict = successes >= probe.successThreshold ? 'pass' : tally.verdict;
    return { ...tally, successes, failures: 0, verdict, passedOnce: tally.passedOnce || verdict === 'pass' };
  }
  if (runAgeMs < probe.startPeriodMs) return { ...tally, lastFailure: result.reason };
  const failures = tally.failures + 1;
  const verdict = failures >= probe.failureThreshold ? 'fail' : tally.verdict;
  return { ...tally, successes: 0, failures, verdict, lastFailure: result.reason };
}

/** Indexes of the probes that run now: the startup probes until each has passed once, then the others. */
export function activeProbes(probes: ProbeSpec[], tallies: Tally[]): number[] {
  const all = probes.map((_, i) => i);
  const startup = all.filter((i) => probes[i]!.kind === 'startup' && !tallies[i]!.passedOnce);
  return startup.length > 0 ? startup : all.filter((i) => probes[i]!.kind !== 'startup');
}

/** unhealthy if an active probe fails; healthy once every active probe passes; unknown before. */
export function overallHealth(probes: ProbeSpec[], tallies: Tally[]): Health {
  const active = activeProbes(probes, tallies).map((i) => tallies[i]!);
  if (active.some((t) => t.verdict === 'fail')) return 'unhealthy';
  // No active probe left: only startup probes, and all have passed.
  if (active.length === 0) return probes.length > 0 ? 'healthy' : 'unknown';
  return active.every((t) => t.verdict === 'pass') ? 'healthy' : 'unknown';
}

/** A liveness or startup probe that has just crossed its failure threshold asks for a restart. */
export function demandsRestart(probe: ProbeSpec, before: Tally, after: Tally): boolean {
  return probe.kind !== 'readiness' && before.verdict !== 'fail' && after.verdict === 'fail';
}
