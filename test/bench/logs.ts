// Log throughput, measured the way ../shared/bench measures it (run-peers.sh t_logs, probe.js
// logcheck): the shared logger app writes 200,000 lines of 100 bytes as fast as its pipe takes
// them; the time runs from the start command until the log file holds every sequence number.
// The floor is the same app piped into `cat > file`. Also: daemon CPU (utime+stime from /proc)
// spent per run, and lines lost, duplicated or out of order.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { resolvePaths } from '../../src/config/paths.js';
import { PM_BIN, ROOT } from '../helpers/run-cli.js';
import { createTempHome } from '../helpers/temp-home.js';
import { cpuSeconds, report, summarize } from './stats.js';

const RUNS = Number(process.env.BENCH_LOG_RUNS ?? 3);
const LINES = Number(process.env.BENCH_LOG_LINES ?? 200_000);
const LOGGER = process.env.BENCH_LOGGER ?? path.join(ROOT, '../shared/bench/apps/logger.js');
const POLL_MS = 10;
const STALL_MS = 5000;
const TIMEOUT_MS = 90_000;

interface Check {
  complete: boolean;
  doneAt: number;
  missing: number;
  dup: number;
  reorder: number;
  other: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Follows `file` from offset 0 until it holds LINES distinct sequence numbers (probe.js logcheck),
 * and, like `tail -F`, goes on in the new file when pm rotates it (200,000 timestamped lines are
 * 25 MB, past the default 10M limit).
 */
async function followUntilComplete(file: string, statFile: string, lines = LINES): Promise<Check> {
  const seen = new Uint8Array(lines);
  const buffer = Buffer.allocUnsafe(1 << 20);
  const seq = / seq=(\d{7}) /;
  let [unique, dup, reorder, other, maxSeq] = [0, 0, 0, 0, -1];
  let rest = '';
  let fd: number | null = null;
  let offset = 0;
  const started = performance.now();
  let grewAt = started;
  const readToEnd = () => {
    for (let got = fs.readSync(fd!, buffer, 0, buffer.length, offset); got > 0; ) {
      offset += got;
      grewAt = performance.now();
      const parts = (rest + buffer.toString('latin1', 0, got)).split('\n');
      rest = parts.pop()!;
      for (const line of parts) {
        const match = seq.exec(line);
        const n = match ? Number(match[1]) : -1;
        if (n < 0 || n >= lines) other++;
        else if (seen[n]) dup++;
        else {
          seen[n] = 1;
          unique++;
          if (n < maxSeq) reorder++;
          else maxSeq = n;
        }
      }
      got = fs.readSync(fd!, buffer, 0, buffer.length, offset);
    }
  };
  for (;;) {
    if (fd === null) {
      try {
        fd = fs.openSync(file, 'r');
        offset = 0;
      } catch {
        // not created yet
      }
    }
    if (fd !== null) {
      readToEnd();
      if (fs.statSync(file, { throwIfNoEntry: false })?.ino !== fs.fstatSync(fd).ino) {
        readToEnd(); // rotated: what was written before the rename, then the new file
        fs.closeSync(fd);
        fd = null;
        continue;
      }
    }
    const now = performance.now();
    const finished = unique === lines;
    if (finished || (fs.existsSync(statFile) && now - grewAt > STALL_MS) || now - started > TIMEOUT_MS) {
      if (fd !== null) fs.closeSync(fd);
      return { complete: finished, doneAt: now, missing: lines - unique, dup, reorder, other };
    }
    await sleep(POLL_MS);
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number | null> {
  return new Promise((resolve) => {
    spawn(command, args, { env, stdio: 'ignore' }).once('exit', (code) => resolve(code));
  });
}

/** The app's own write loop, from the stat file it leaves (t_start, t_end in epoch ms). */
async function producerMs(statFile: string): Promise<number> {
  for (let waited = 0; !fs.existsSync(statFile) && waited < STALL_MS; waited += POLL_MS) await sleep(POLL_MS);
  const { t_start, t_end } = JSON.parse(fs.readFileSync(statFile, 'utf8')) as {
    t_start: number;
    t_end: number;
  };
  return t_end - t_start;
}

interface RunResult {
  completeMs: number;
  producerMs: number;
  /** CPU seconds of the reader: `cat` for the floor, the daemon for pm. */
  readerCpuS: number;
  check: Check;
}

/** The `cat` that sh started for the pipeline, found by its parent. */
function catOf(shellPid: number): number | null {
  for (const entry of fs.readdirSync('/proc')) {
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === shellPid && stat.includes('(cat)')) return Number(entry);
    } catch {
      // gone, or not a process
    }
  }
  return null;
}

async function floorRun(dir: string, r: number): Promise<RunResult> {
  const file = path.join(dir, `floor-${r}.log`);
  const statFile = path.join(dir, `floor-${r}.stat`);
  const checking = followUntilComplete(file, statFile);
  const started = performance.now();
  const shell: ChildProcess = spawn(
    'sh',
    ['-c', `node "${LOGGER}" pm-bench-floor-${r} ${LINES} "${statFile}" | cat > "${file}"`],
    { stdio: 'ignore', detached: true },
  );
  let cat: number | null = null;
  while (cat === null && performance.now() - started < STALL_MS) {
    cat = catOf(shell.pid!);
    if (cat === null) await sleep(1);
  }
  const check = await checking;
  const readerCpuS = cat === null ? Number.NaN : cpuSeconds(cat);
  process.kill(-shell.pid!, 'SIGKILL');
  if (!check.complete) throw new Error(`the floor run lost ${check.missing} lines`);
  return { completeMs: check.doneAt - started, producerMs: await producerMs(statFile), readerCpuS, check };
}

async function pmRun(env: NodeJS.ProcessEnv, dir: string, name: string, lines = LINES): Promise<RunResult> {
  const paths = resolvePaths(env);
  const daemon = Number(fs.readFileSync(paths.pidFile, 'utf8'));
  const statFile = path.join(dir, `${name}.stat`);
  const checking = followUntilComplete(path.join(paths.logDir, `${name}-0.out.log`), statFile, lines);
  const cpuBefore = cpuSeconds(daemon);
  const started = performance.now();
  const command = `node ${LOGGER} pm-bench-${name} ${lines} ${statFile}`;
  const starting = run(process.execPath, [PM_BIN, 'start', command, '--name', name], env);
  const check = await checking;
  await starting;
  const readerCpuS = cpuSeconds(daemon) - cpuBefore;
  const result = {
    completeMs: check.doneAt - started,
    producerMs: await producerMs(statFile),
    readerCpuS,
    check,
  };
  await run(process.execPath, [PM_BIN, 'delete', name], env);
  return result;
}

async function main(): Promise<void> {
  const home = createTempHome();
  const dir = fs.mkdtempSync(path.join(home.home, 'bench-'));
  const floor: RunResult[] = [];
  const pm: RunResult[] = [];
  try {
    await run(process.execPath, [PM_BIN, 'list', '--json'], home.env);
    // A warm daemon, as in ../shared/bench where this test runs after others.
    await pmRun(home.env, dir, 'warmup', 1000);
    // Interleaved, so that a busy moment of the machine hits both sides alike.
    for (let r = 0; r < RUNS; r++) {
      floor.push(await floorRun(dir, r));
      pm.push(await pmRun(home.env, dir, `lg${r}`));
    }
    await run(process.execPath, [PM_BIN, 'kill'], home.env);
  } finally {
    await home.cleanup();
  }
  const of = (runs: RunResult[], pick: (r: RunResult) => number) => summarize(runs.map(pick));
  const floorMs = of(floor, (r) => r.completeMs);
  const pmMs = of(pm, (r) => r.completeMs);
  const ratios = pm.map((r, i) => r.completeMs / floor[i]!.completeMs);
  report('logs floor: logger | cat > file', 'ms', floorMs, `${LINES} lines of 100 B`);
  report('logs: pm start -> file complete', 'ms', pmMs, 'start command to the last line in the file');
  report('logs: pm / floor', 'ratio', summarize(ratios), 'per interleaved pair (target <= 1.2)');
  report(
    'logs floor: the app write loop',
    'ms',
    of(floor, (r) => r.producerMs),
    'into the pipe read by cat',
  );
  report(
    'logs: the app write loop',
    'ms',
    of(pm, (r) => r.producerMs),
    'into the pipe read by the daemon',
  );
  report(
    'logs floor: cat cpu',
    's',
    of(floor, (r) => r.readerCpuS),
    'utime+stime of the reader',
  );
  report(
    'logs: daemon cpu per run',
    's',
    of(pm, (r) => r.readerCpuS),
    'utime+stime (target <= 0.21)',
  );
  report(
    'logs: lines lost',
    'lines',
    of(pm, (r) => r.check.missing),
  );
  report(
    'logs: lines duplicated, reordered or mangled',
    'lines',
    of(pm, (r) => r.check.dup + r.check.reorder + r.check.other),
  );
}

await main();
