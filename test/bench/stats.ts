// Small helpers shared by the benchmark scripts: timing, summaries, and the JSON-lines output
// that `npm run bench` collects.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
}

export function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const round = (v: number) => Math.round(v * 100) / 100;
  return { n: sorted.length, median: round(median), min: round(sorted[0]!), max: round(sorted.at(-1)!) };
}

/** Prints one result line: the format every bench script emits. */
export function report(metric: string, unit: string, summary: Summary | number, note = ''): void {
  const one = Math.round(Number(summary) * 100) / 100;
  const value = typeof summary === 'number' ? { n: 1, median: one, min: one, max: one } : summary;
  process.stdout.write(`${JSON.stringify({ metric, unit, ...value, ...(note && { note }) })}\n`);
}

/** Wall time of one command run to completion, in ms. */
export function timeCommand(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { env, stdio: 'ignore' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}`);
  return ms;
}

/** VmRSS of a process in bytes, or null when it is gone. */
export function rssBytes(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** utime + stime of a process in seconds (10 ms ticks). */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export interface AgainstFloor {
  floor: Summary;
  measured: Summary;
  /** e.g. "1.23 x node -e 0 run alternately" */
  ratio: string;
}

/**
 * Times `run` and `node -e 0` alternately, so that both see the same load: on a shared machine
 * the start time of node moves by tens of percent from one minute to the next.
 */
export function againstFloor(times: number, run: () => number): AgainstFloor {
  const floorRuns: number[] = [];
  const runs: number[] = [];
  for (let i = 0; i < times; i++) {
    floorRuns.push(timeCommand(process.execPath, ['-e', '0']));
    runs.push(run());
  }
  const floor = summarize(floorRuns);
  const measured = summarize(runs);
  return {
    floor,
    measured,
    ratio: `${(measured.median / floor.median).toFixed(2)} x node -e 0 run alternately`,
  };
}
