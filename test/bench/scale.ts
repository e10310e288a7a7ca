// Benchmark at scale (not a test): 1000 instances of `sleep 100000` under pm and under PM2 in one
// run. For each: start from one config file until all are online, `list --json` against
// `node -e 0` run alternately, the daemon's RSS, idle CPU and event-loop delay, `stop all`,
// `delete all`. pm is run three ways: one config of 1000 apps with the shell's environment (what
// the issue asks), the same with the environment cut to PATH and HOME, and one app with
// `instances: 1000`. Alone: `node dist/test/bench/scale.js`.
// `npm run bench -- --scale-10k` (or BENCH_SCALE_10K=1) then runs pm with 10,000 instances and
// reports what breaks: long, so opt-in. BENCH_SCALE (default 1000) sets the count,
// BENCH_SCALE_RUNS (10) the list runs, BENCH_SCALE_IDLE_SECONDS (10) the idle CPU window,
// BENCH_SCALE_PM2_10K=1 runs PM2 at 10,000 too. BENCH_SCALE_ONLY=<regexp> runs only the scenarios
// whose label matches it (e.g. `^pm,` for pm's alone, `one config$|1 app x` for the full env and instances).
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/config/file/load-config.js';
import { MAX_FRAME_BYTES } from '../../src/protocol/framing.js';
import { forkHelpersOf } from '../helpers/proc.js';
import { isPidAlive } from '../helpers/proc-entry.js';
import { LoopProbe, nowMs } from './scale-probe.js';
import { createPm, createPm2, fdUsage, type Listed, type Manager, peakRssBytes } from './scale-tools.js';
import { againstFloor, cpuSeconds, report, rssBytes, summarize, timeCommand } from './stats.js';

const COUNT = Number(process.env.BENCH_SCALE ?? 1000);
const RUNS = Number(process.env.BENCH_SCALE_RUNS ?? 10);
const IDLE_SECONDS = Number(process.env.BENCH_SCALE_IDLE_SECONDS ?? 10);
const BIG = process.env.BENCH_SCALE_10K === '1' || process.argv.includes('--scale-10k');
const BIG_COUNT = 10_000;
const ONLY = process.env.BENCH_SCALE_ONLY ? new RegExp(process.env.BENCH_SCALE_ONLY) : null;
const STEP_TIMEOUT_MS = 900_000;
/** The targets. */
const TARGET = { listRatio: 1.5, stopOverKillMs: 2000, rssMB: 70, idleCpuPercent: 1, loopDelayMs: 50 };
const MB = 2 ** 20;

interface Scenario {
  label: string;
  count: number;
  /** Writes the config into `dir` and returns the start command's arguments. */
  config: (dir: string, count: number) => string[];
  /** The environment of the start command, when not the manager's own. */
  startEnv?: (env: NodeJS.ProcessEnv) => NodeJS.ProcessEnv;
}

const met = (ok: boolean) => (ok ? 'met' : 'NOT met');

function writeFile(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const pmApps = (dir: string, count: number) => {
  const lines = Array.from({ length: count }, (_, i) => `  - { name: s${i}, command: sleep 100000 }\n`);
  return ['start', writeFile(dir, 'apps.yaml', `apps:\n${lines.join('')}`)];
};
const pmInstances = (dir: string, count: number) => [
  'start',
  writeFile(
    dir,
    'instances.yaml',
    `apps:\n  - name: s\n    command: sleep 100000\n    instances: ${count}\n`,
  ),
];
const pm2Apps = (dir: string, count: number) => {
  const apps = Array.from({ length: count }, (_, i) => ({
    name: `s${i}`,
    script: 'sleep',
    args: '100000',
    interpreter: 'none',
  }));
  return ['start', writeFile(dir, 'ecosystem.config.js', `module.exports = ${JSON.stringify({ apps })};\n`)];
};
/** The environment cut to what `sleep` needs: the apply request carries it once per app. */
const reducedEnv = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  PATH: env.PATH,
  HOME: env.HOME,
  PM_HOME: env.PM_HOME,
  NO_COLOR: '1',
});

/** Size of the `apply` request that `pm start <file>` sends, against the daemon's frame limit. */
function applyRequestBytes(file: string, env: NodeJS.ProcessEnv): number {
  const { PWD: _p, OLDPWD: _o, SHLVL: _s, _: _u, ...kept } = env;
  const baseEnv = Object.fromEntries(Object.entries(kept).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
  const { apps } = loadConfig(file, { baseEnv });
  return Buffer.byteLength(JSON.stringify({ type: 'apply', apps, id: 1 }));
}

function list(tool: Manager): Listed[] {
  const run = tool.cli(tool.listArgs);
  if (run.status !== 0) throw new Error(`${tool.listArgs.join(' ')} exited ${run.status}: ${run.stderr}`);
  return tool.parseList(run.stdout);
}

/** Polls the list until `done` holds for all `count` instances (every 250 ms; a list of 10,000 takes longer). */
async function waitForAll(tool: Manager, count: number, done: (p: Listed) => boolean): Promise<Listed[]> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const listed = list(tool);
    if (listed.length === count && listed.every(done)) return listed;
    if (Date.now() > deadline)
      throw new Error(`not all ${count} instances ready after ${STEP_TIMEOUT_MS} ms`);
    await sleep(250);
  }
}

/** Daemon CPU in percent of one core over `windows` equal windows of `seconds` in all. */
async function cpuPercents(pid: number, seconds: number, windows: number): Promise<number[]> {
  const percents: number[] = [];
  for (let i = 0; i < windows; i++) {
    const before = cpuSeconds(pid);
    const started = nowMs();
    await sleep((seconds / windows) * 1000);
    percents.push(((cpuSeconds(pid) - before) / ((nowMs() - started) / 1000)) * 100);
  }
  return percents;
}

/** The daemon's own event-loop delay (`pm ping --json` → eventLoopDelay), when this build reports it. */
function reportOwnLoopDelay(tool: Manager, label: string, when: string): void {
  if (tool.name !== 'pm') return;
  const reply = JSON.parse(tool.cli(['ping', '--json']).stdout || '{}') as {
    eventLoopDelay?: { maxMs: number; p99Ms: number };
  };
  const delay = reply.eventLoopDelay;
  if (!delay) {
    report(`${label}: daemon event-loop delay (ping), ${when}`, 'ms', Number.NaN, 'n/a: no eventLoopDelay');
    return;
  }
  const verdict = met(delay.maxMs <= TARGET.loopDelayMs);
  report(`${label}: daemon max event-loop delay, ${when}`, 'ms', delay.maxMs, `target <= 50: ${verdict}`);
  report(`${label}: daemon p99 event-loop delay, ${when}`, 'ms', delay.p99Ms);
}

/** Runs one step with the probe on and reports the longest ping round trip during it. */
async function probed<T>(probe: LoopProbe | null, label: string, step: string, run: () => T): Promise<T> {
  const from = nowMs();
  const result = run();
  const to = nowMs();
  const max = await probe?.maxDuring(from, to, STEP_TIMEOUT_MS);
  if (max !== undefined && max !== null) {
    report(
      `${label}: longest ping round trip during ${step}`,
      'ms',
      max,
      `bounds the daemon's event-loop delay from below (target <= 50: ${met(max <= TARGET.loopDelayMs)})`,
    );
  }
  return result;
}

/** pm's fork helpers, past PM_DIRECT_CHILDREN children: their CPU time so far, for a note. */
function helpersCpu(daemon: number): string {
  const helpers = forkHelpersOf(daemon);
  if (helpers.length === 0) return '';
  const seconds = helpers.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  return ` (+ ${helpers.length} fork helpers: ${seconds.toFixed(1)} s so far)`;
}

function reportDaemon(label: string, pid: number, when: string): void {
  const fds = fdUsage(pid);
  report(`${label}: daemon RSS, ${when}`, 'MB', (rssBytes(pid) ?? 0) / MB);
  if (fds) report(`${label}: daemon open fds, ${when}`, 'count', fds.open, `soft limit ${fds.limit}`);
}

async function measure(tool: Manager, scenario: Scenario): Promise<void> {
  const { label, count } = scenario;
  const dir = fs.mkdtempSync(path.join(tool.home, 'cfg-'));
  const startArgs = scenario.config(dir, count);
  const launched = tool.cli(['ping']);
  const daemon = tool.daemonPid();
  if (launched.status !== 0 || daemon === null) throw new Error(`${label}: no daemon: ${launched.stderr}`);
  const probe = tool.name === 'pm' ? new LoopProbe(tool.env) : null;
  try {
    const startEnv = scenario.startEnv?.(tool.env);
    if (tool.name === 'pm' && startArgs[1]!.endsWith('apps.yaml')) {
      const bytes = applyRequestBytes(startArgs[1]!, startEnv ?? tool.env);
      report(
        `${label}: apply request`,
        'MB',
        bytes / MB,
        `the daemon's frame limit is ${MAX_FRAME_BYTES / MB} MB`,
      );
    }
    const cpuBefore = cpuSeconds(daemon);
    const started = nowMs();
    const start = await probed(probe, label, 'start', () =>
      tool.cli(startArgs, { timeoutMs: STEP_TIMEOUT_MS, ...(startEnv && { env: startEnv }) }),
    );
    if (start.status !== 0) {
      const why = start.timedOut ? 'timed out' : (start.stderr.trim().split('\n').at(-1) ?? '');
      report(`${label}: start FAILED`, 'ms', start.ms, `exit ${start.status}: ${why}`);
      reportDaemon(label, daemon, 'after the failed start');
      return;
    }
    const listed = await waitForAll(tool, count, (p) => p.online && p.pid !== null);
    const onlineMs = nowMs() - started;
    report(
      `${label}: start from one config -> all online`,
      'ms',
      onlineMs,
      `${(onlineMs / count).toFixed(2)} ms per instance; the command returned after ${Math.round(start.ms)} ms; daemon CPU ${(cpuSeconds(daemon) - cpuBefore).toFixed(1)} s${helpersCpu(daemon)}`,
    );
    const pids = listed.map((p) => p.pid!);

    // Idle: every instance measured once (pm samples every second), then no command and no ping
    // during the readings of memory and CPU.
    await waitForAll(tool, count, (p) => p.sampled);
    probe?.pause();
    await sleep(3000);
    const rss = (rssBytes(daemon) ?? 0) / MB;
    report(`${label}: daemon RSS, idle`, 'MB', rss, `target <= ${TARGET.rssMB}: ${met(rss <= TARGET.rssMB)}`);
    const helpers = forkHelpersOf(daemon);
    if (helpers.length > 0) {
      const helpersRss = helpers.reduce((sum, pid) => sum + (rssBytes(pid) ?? 0), 0) / MB;
      report(`${label}: fork helpers' RSS, idle`, 'MB', helpersRss, `${helpers.length} helpers, together`);
    }
    const cpu = summarize(await cpuPercents(daemon, IDLE_SECONDS, 5));
    report(
      `${label}: daemon CPU, idle`,
      '% of one core',
      cpu,
      `5 windows over ${IDLE_SECONDS} s; target <= 1: ${met(cpu.median <= TARGET.idleCpuPercent)}`,
    );
    const fds = fdUsage(daemon);
    if (fds) report(`${label}: daemon open fds`, 'count', fds.open, `soft limit ${fds.limit}`);
    probe?.resume();
    reportOwnLoopDelay(tool, label, 'after start and idle');

    const [file, args] = tool.argv(tool.listArgs);
    const listRuns = await probed(probe, label, `${RUNS} list runs`, () =>
      againstFloor(RUNS, () => timeCommand(file, args, tool.env)),
    );
    const ratio = listRuns.measured.median / listRuns.floor.median;
    report(`${label}: node -e 0, alternating with list`, 'ms', listRuns.floor);
    report(
      `${label}: ${tool.listArgs.join(' ')}`,
      'ms',
      listRuns.measured,
      `${listRuns.ratio}; target <= ${TARGET.listRatio} x: ${met(ratio <= TARGET.listRatio)}`,
    );

    const cpuStop = cpuSeconds(daemon);
    const stop = await probed(probe, label, 'stop all', () =>
      tool.cli(['stop', 'all'], { timeoutMs: STEP_TIMEOUT_MS }),
    );
    const stopTarget = TARGET.stopOverKillMs + tool.killTimeoutMs;
    report(
      `${label}: stop all`,
      'ms',
      stop.ms,
      `exit ${stop.status}${stop.timedOut ? ' (timed out)' : ''}; daemon CPU ${(cpuSeconds(daemon) - cpuStop).toFixed(1)} s${helpersCpu(daemon)}; target <= 2 s + kill timeout = ${stopTarget} ms: ${met(stop.status === 0 && stop.ms <= stopTarget)}`,
    );
    report(`${label}: instances alive after stop all returned`, 'count', pids.filter(isPidAlive).length);
    // The processes may be gone while the manager still shows them on their way down.
    const states = new Map<string, number>();
    for (const { state } of list(tool)) states.set(state, (states.get(state) ?? 0) + 1);
    report(
      `${label}: instances not listed as stopped after stop all returned`,
      'count',
      count - (states.get('stopped') ?? 0),
      [...states].map(([state, n]) => `${n} ${state}`).join(', '),
    );
    const remove = await probed(probe, label, 'delete all', () =>
      tool.cli(['delete', 'all'], { timeoutMs: STEP_TIMEOUT_MS }),
    );
    report(`${label}: delete all`, 'ms', remove.ms, `exit ${remove.status}`);
    reportOwnLoopDelay(tool, label, 'after stop and delete');
    report(`${label}: daemon peak RSS over the run (VmHWM)`, 'MB', (peakRssBytes(daemon) ?? 0) / MB);
  } finally {
    await probe?.stop();
    tool.cli(['kill'], { timeoutMs: 60_000 });
    await tool.cleanup();
  }
}

/** One manager, one scenario, always cleaned up; a failure is reported and the run goes on. */
async function run(create: () => Manager | Promise<Manager | null>, scenario: Scenario): Promise<void> {
  if (ONLY && !ONLY.test(scenario.label)) return;
  const tool = await create();
  if (!tool) {
    report(`${scenario.label}: skipped`, '', Number.NaN, 'PM2 is not installed in /tmp/anchors/pm2');
    return;
  }
  cleanups.add(tool);
  process.stderr.write(`bench: scale: ${scenario.label}\n`);
  try {
    await measure(tool, scenario);
  } catch (error) {
    report(`${scenario.label}: FAILED`, '', Number.NaN, (error as Error).message.split('\n')[0]);
    await tool.cleanup();
  } finally {
    cleanups.delete(tool);
  }
}

const cleanups = new Set<Manager>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.allSettled([...cleanups].map((tool) => tool.cleanup())).then(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  report('machine load average (1, 5, 15 min) at the start', '', Number.NaN, load);
  const n = COUNT;
  await run(createPm, { label: `pm, ${n} apps in one config`, count: n, config: pmApps });
  await run(createPm, {
    label: `pm, ${n} apps in one config, env cut to PATH+HOME`,
    count: n,
    config: pmApps,
    startEnv: reducedEnv,
  });
  await run(createPm, { label: `pm, 1 app x ${n} instances`, count: n, config: pmInstances });
  await run(createPm2, { label: `PM2, ${n} apps in one ecosystem file`, count: n, config: pm2Apps });
  if (BIG) await runBig();
  const end = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  report('machine load average (1, 5, 15 min) at the end', '', Number.NaN, end);
}

async function runBig(): Promise<void> {
  const big = BIG_COUNT;
  await run(createPm, {
    label: `pm, ${big} apps in one config, env cut`,
    count: big,
    config: pmApps,
    startEnv: reducedEnv,
  });
  await run(createPm, { label: `pm, 1 app x ${big} instances`, count: big, config: pmInstances });
  if (process.env.BENCH_SCALE_PM2_10K === '1') {
    await run(createPm2, { label: `PM2, ${big} apps in one ecosystem file`, count: big, config: pm2Apps });
  }
}

await main();
