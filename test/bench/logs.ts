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
async function followUntilComplete(file: string, statFile: string): Promise<Check> {
  const seen = new Uint8Array(LINES);
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
        if (n < 0 || n >= LINES) other++;
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
    const finished = unique === LINES;
    if (finished || (fs.existsSync(statFile) && now - grewAt > STALL_MS) || now - started > TIMEOUT_MS) {
      if (fd !== null) fs.closeSync(fd);
      return { complete: finished, doneAt: now, missing: LINES - unique, dup, reorder, other };
    }
    await sleep(POLL_MS);
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number | null> {
  return new Promise((resolve) => {
    spawn(command, args, { env, stdio: 'ignore' }).once('exit', (code) => resolve(code));
  });
}

async function floorRun(dir: string, r: number): Promise<number> {
  const file = path.join(dir, `floor-${r}.log`);
  const statFile = path.join(dir, `floor-${r}.stat`);
  const checking = followUntilComplete(file, statFile);
  const started = performance.now();
  const child: ChildProcess = spawn(
    'sh',
    ['-c', `exec node "${LOGGER}" pm-bench-floor-${r} ${LINES} "${statFile}" | cat > "${file}"`],
    { stdio: 'ignore', detached: true },
  );
  const check = await checking;
  process.kill(-child.pid!, 'SIGKILL');
  if (!check.complete) throw new Error(`the floor run lost ${check.missing} lines`);
  return check.doneAt - started;
}

async function main(): Promise<void> {
  const home = createTempHome();
  const env = home.env;
  const dir = fs.mkdtempSync(path.join(home.home, 'bench-'));
  const floor: number[] = [];
  const complete: number[] = [];
  const cpu: number[] = [];
  const lost: number[] = [];
  const disorder: number[] = [];
  try {
    for (let r = 0; r < RUNS; r++) floor.push(await floorRun(dir, r));
    await run(process.execPath, [PM_BIN, 'list', '--json'], env);
    const daemon = Number(fs.readFileSync(resolvePaths(env).pidFile, 'utf8'));
    for (let r = 0; r < RUNS; r++) {
      const name = `lg${r}`;
      const statFile = path.join(dir, `pm-${r}.stat`);
      const checking = followUntilComplete(
        path.join(resolvePaths(env).logDir, `${name}-0.out.log`),
        statFile,
      );
      const cpuBefore = cpuSeconds(daemon);
      const started = performance.now();
      const starting = run(
        process.execPath,
        [PM_BIN, 'start', `node ${LOGGER} pm-bench-log-${r} ${LINES} ${statFile}`, '--name', name],
        env,
      );
      const check = await checking;
      await starting;
      cpu.push(cpuSeconds(daemon) - cpuBefore);
      complete.push(check.doneAt - started);
      lost.push(check.missing);
      disorder.push(check.dup + check.reorder + check.other);
      await run(process.execPath, [PM_BIN, 'delete', name], env);
    }
    await run(process.execPath, [PM_BIN, 'kill'], env);
  } finally {
    await home.cleanup();
  }
  const floorSummary = summarize(floor);
  const completeSummary = summarize(complete);
  report('logs floor: logger | cat > file', 'ms', floorSummary, `${LINES} lines of 100 B`);
  report(
    'logs: pm start -> file complete',
    'ms',
    completeSummary,
    `${(completeSummary.median / floorSummary.median).toFixed(2)} x the floor (target <= 1.2)`,
  );
  report('logs: daemon cpu per run', 's', summarize(cpu), 'utime+stime (target <= 0.21)');
  report('logs: lines lost', 'lines', summarize(lost));
  report('logs: lines duplicated, reordered or mangled', 'lines', summarize(disorder));
}

await main();
