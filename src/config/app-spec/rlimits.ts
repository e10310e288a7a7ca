// An rlimit above the hard limit pm runs under cannot be set by the app's user (raising a hard
// limit needs root, and the app may not run as root): refused when the app is defined, not found
// later as an app that crash-loops on `ulimit: Operation not permitted`.
import fs from 'node:fs';
import type { RlimitsSpec } from '../../protocol/app-spec.js';
import { parseProcLimits } from '../proc-limits.js';

export type RlimitName = keyof RlimitsSpec;

/** Each rlimit's line in /proc/<pid>/limits, and its name in words. */
const LIMITS: Record<RlimitName, { line: string; words: string }> = {
  nofile: { line: 'Max open files', words: 'open files' },
  nproc: { line: 'Max processes', words: 'processes' },
  core: { line: 'Max core file size', words: 'core file size' },
  memlock: { line: 'Max locked memory', words: 'locked memory' },
};

/** The hard limits, in the spec's units (bytes for core and memlock); Infinity when unlimited. */
export type HardLimits = Partial<Record<RlimitName, number>>;

export function parseHardLimits(text: string): HardLimits {
  const limits = parseProcLimits(text);
  const hard: HardLimits = {};
  for (const [name, { line }] of Object.entries(LIMITS)) {
    const limit = limits.get(line);
    if (limit) hard[name as RlimitName] = limit.hard;
  }
  return hard;
}

/** This process's hard limits; null where there is no /proc/self/limits (not Linux): nothing to check. */
export function readHardLimits(): HardLimits | null {
  try {
    return parseHardLimits(fs.readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    return null;
  }
}

export interface RlimitProblem {
  key: RlimitName;
  message: string;
}

/** Every rlimit above its hard limit, as `found X, expected at most Y (...)`. */
export function checkRlimits(rlimits: RlimitsSpec, hard: HardLimits | null): RlimitProblem[] {
  if (!hard) return [];
  return Object.entries(rlimits).flatMap(([key, wanted]) => {
    const name = key as RlimitName;
    const limit = hard[name];
    if (wanted === undefined || limit === undefined || wanted <= limit) return [];
    const unit = name === 'core' || name === 'memlock' ? ' bytes' : '';
    return [
      {
        key: name,
        message: `found ${wanted}${unit}, expected at most ${limit}${unit} (the hard limit of ${LIMITS[name].words} pm runs under)`,
      },
    ];
  });
}
