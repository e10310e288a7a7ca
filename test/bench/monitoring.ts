// Benchmark of monitoring overhead: daemon CPU with 50 idle instances (budget: < 1 % of one
// core), `pm list --json` with 1000 instances (budget: < 2 x `node -e 0`), and daemon RSS at
// 0, 50 and 1000 instances. Runs alone: `node dist/test/bench/monitoring.js`.
// BENCH_CPU_SECONDS (default 30) sets the CPU window, BENCH_WARMUP_SECONDS (default 90) the wait
// before the steady-state window (V8 is still compiling the once-a-second code in the first
// minute), BENCH_MANY (default 1000) the large count.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { resolvePaths } from '../../src/config/paths.js';
import { PM_BIN } from '../helpers/run-cli.js';
import { createTempHome } from '../helpers/temp-home.js';
import { waitFor } from '../helpers/wait-for.js';
import { againstFloor, cpuSeconds, report, rssBytes, summarize, timeCommand } from './stats.js';

const CPU_SECONDS = Number(process.env.BENCH_CPU_SECONDS ?? 30);
const CPU_WINDOWS = 6;
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 90);
const IDLE = 50;
const MANY = Number(process.env.BENCH_MANY ?? 1000);
const RUNS = 10;

function pm(env: NodeJS.ProcessEnv, ...args: string[]): string {
  const result = spawnSync(process.execPath, [PM_BIN, ...args], {
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  if (result.status !== 0) throw new Error(`pm ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `count` instances are online and every one of them has been sampled. */
async function waitOnlineAndSampled(env: NodeJS.ProcessEnv, count: number): Promise<void> {
  await waitFor(
    () => {
      const list = JSON.parse(pm(env, 'list', '--json')) as Array<{ state: string; memory: number | null }>;
      return list.length === count && list.every((p) => p.state === 'online' && p.memory !== null);
    },
    { timeoutMs: 180_000, intervalMs: 500, message: `${count} instances online and sampled` },
  );
}

/** Daemon CPU in percent of one core, over `windows` equal windows of `seconds` in all. */
async function daemonCpuPercent(pid: number, seconds: number, windows: number): Promise<number[]> {
  const percents: number[] = [];
  for (let i = 0; i < windows; i++) {
    const before = cpuSeconds(pid);
    const started = process.hrtime.bigint();
    await sleep((seconds / windows) * 1000);
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    percents.push(((cpuSeconds(pid) - before) / elapsed) * 100);
  }
  return percents;
}

async function main(): Promise<void> {
  const home = createTempHome();
  const env = home.env;
  try {
    pm(env, 'ping');
    const daemonPid = Number(fs.readFileSync(resolvePaths(env).pidFile, 'utf8'));
    await sleep(2000);
    report('daemon RSS, 0 instances', 'MB', (rssBytes(daemonPid) ?? 0) / 2 ** 20);

    pm(env, 'start', 'sleep 3600', '--name', 'idle', '-i', String(IDLE));
    await waitOnlineAndSampled(env, IDLE);
    const firstCpu = summarize(await daemonCpuPercent(daemonPid, CPU_SECONDS, CPU_WINDOWS));
    report(
      `daemon CPU, ${IDLE} idle instances, first ${CPU_SECONDS} s`,
      '% of one core',
      firstCpu,
      `${CPU_WINDOWS} windows (utime+stime), sampled every 1 s, JIT still warming up`,
    );
    await sleep(Math.max(0, WARMUP_SECONDS - CPU_SECONDS) * 1000);
    const steadyCpu = summarize(await daemonCpuPercent(daemonPid, CPU_SECONDS, CPU_WINDOWS));
    report(
      `daemon CPU, ${IDLE} idle instances, steady state`,
      '% of one core',
      steadyCpu,
      `${CPU_WINDOWS} windows over ${CPU_SECONDS} s after ${WARMUP_SECONDS} s (utime+stime); budget < 1 %`,
    );
    report(`daemon RSS, ${IDLE} instances`, 'MB', (rssBytes(daemonPid) ?? 0) / 2 ** 20);

    pm(env, 'scale', 'idle', String(MANY));
    await waitOnlineAndSampled(env, MANY);
    const list = againstFloor(RUNS, () => timeCommand(process.execPath, [PM_BIN, 'list', '--json'], env));
    report('node -e 0, run alternately with pm list', 'ms', list.floor, 'the floor: starting node itself');
    report(`pm list --json, ${MANY} instances`, 'ms', list.measured, `${list.ratio} (budget < 2 x)`);
    const manyCpu = summarize(await daemonCpuPercent(daemonPid, 10, 5));
    report(
      `daemon CPU, ${MANY} idle instances, sampled every 1 s`,
      '% of one core',
      manyCpu,
      '5 windows over 10 s',
    );
    report(`daemon RSS, ${MANY} instances`, 'MB', (rssBytes(daemonPid) ?? 0) / 2 ** 20);
    pm(env, 'kill');
  } finally {
    await home.cleanup();
  }
}

await main();
