// Benchmark of a rolling reload under load: 4 instances of one HTTP app (fixtures/reload-app.cjs),
// reloaded while this process sends requests on a new connection each (`agent: false`, so that a
// refused connection shows), pm (`listen:`, the daemon holds the port) beside PM2's cluster mode
// (`pm2 reload`), in one run. Per reload: the command's wall time, the requests sent from
// WARMUP_MS before it to AFTER_MS after it returned, those that failed (refused, reset, non-200,
// no answer within 2 s), and whether every instance answers from a new pid afterwards.
// `node dist/test/bench/reload.js`; BENCH_RELOAD_RUNS (3): reloads per tool, the tools taking
// turns; BENCH_RELOAD_CONCURRENCY (8): request loops. PM2 from PM2_BIN (see scale-tools.ts).
// Everything started is killed by pid at the end, also on a failure or an interrupt.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { resolvePaths } from '../../src/config/paths.js';
import { isPidAlive } from '../helpers/proc-entry.js';
import { freePort } from '../helpers/recovery.js';
import { PM_BIN, ROOT } from '../helpers/run-cli.js';
import { createTempHome, killAll, pidsWithEnv } from '../helpers/temp-home.js';
import { PM2_BIN, readPid } from './scale-tools.js';
import { report, type Summary, summarize } from './stats.js';

const RUNS = Number(process.env.BENCH_RELOAD_RUNS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_RELOAD_CONCURRENCY ?? 8);
const INSTANCES = 4;
const REQUEST_TIMEOUT_MS = 2_000;
/** Load before the reload command starts, so that it runs against a steady load. */
const WARMUP_MS = 500;
/** Load kept after the reload command returned. */
const AFTER_MS = 1_000;
const COMMAND_TIMEOUT_MS = 120_000;
const APP_NAME = 'rl';
const APP = path.join(ROOT, 'test/bench/fixtures/reload-app.cjs');
const LABEL = `reload ${INSTANCES} instances`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const firstLine = (text: string) => text.trim().split('\n')[0] ?? '';

/** CLI processes in flight: killed by the exit handler. */
const commands = new Set<ChildProcess>();

interface CommandRun {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command without blocking the event loop (the load loops run meanwhile). */
function runCommand(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<CommandRun> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    commands.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), COMMAND_TIMEOUT_MS);
    let ms = Number.NaN;
    child.once('exit', () => {
      ms = performance.now() - started;
    });
    child.once('error', (error) => {
      stderr += error.message;
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      commands.delete(child);
      if (signal) stderr += `\nkilled by ${signal}`;
      resolve({ status: code, stdout, stderr, ms });
    });
  });
}

type Answer = { pid: number } | { error: string };

/** One GET on a new connection; an answer later than REQUEST_TIMEOUT_MS is a failure. */
function request(port: number): Promise<Answer> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (answer: Answer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const failed = (error: NodeJS.ErrnoException) => finish({ error: error.code ?? error.message });
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('error', failed);
      res.on('end', () => {
        const pid = Number(body);
        if (res.statusCode !== 200) finish({ error: `HTTP ${res.statusCode}` });
        else finish(Number.isInteger(pid) && pid > 0 ? { pid } : { error: 'not a pid in the body' });
      });
      res.on('close', () => finish({ error: 'closed before the end' }));
    });
    req.on('error', failed);
    const timer = setTimeout(() => {
      finish({ error: 'timeout' });
      req.destroy();
    }, REQUEST_TIMEOUT_MS);
  });
}

/** Sequential requests until `count` distinct pids answered (or the time is up): the pids. */
async function answeringPids(port: number, count: number, timeoutMs: number): Promise<Set<number>> {
  const pids = new Set<number>();
  const deadline = performance.now() + timeoutMs;
  while (pids.size < count && performance.now() < deadline) {
    const answer = await request(port);
    if ('pid' in answer) pids.add(answer.pid);
    else await sleep(20);
  }
  return pids;
}

interface LoadResult {
  ok: number;
  failures: Map<string, number>;
  /** performance.now() at the answer, and the pid that answered. */
  answers: Array<[number, number]>;
  /** performance.now() when each failed request was sent. */
  failedAt: number[];
}

function startLoad(port: number): { stop: () => Promise<LoadResult> } {
  let running = true;
  const result: LoadResult = { ok: 0, failures: new Map(), answers: [], failedAt: [] };
  const loop = async () => {
    while (running) {
      const sent = performance.now();
      const answer = await request(port);
      if ('pid' in answer) {
        result.ok += 1;
        result.answers.push([performance.now(), answer.pid]);
      } else {
        result.failures.set(answer.error, (result.failures.get(answer.error) ?? 0) + 1);
        result.failedAt.push(sent);
      }
    }
  };
  const loops = Array.from({ length: CONCURRENCY }, loop);
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return result;
    },
  };
}

interface Tool {
  name: 'pm' | 'pm2';
  /** The reload command as written in notes. */
  command: string;
  port: number;
  start(): Promise<void>;
  reload(): Promise<CommandRun>;
  /** The manager's own shutdown, then every process of its home killed by pid; the home removed. */
  stop(): Promise<string>;
  /** SIGKILL of the daemon and every process of the home, synchronously (for the exit handler). */
  killNow(): void;
  daemonPid(): number | null;
}

function killMarked(daemon: number | null, marker: string): void {
  if (daemon !== null) killAll([daemon]);
  killAll(pidsWithEnv(marker));
}

/** Open descriptors of a process, or NaN when it is gone. */
function openFds(pid: number | null): number {
  try {
    return pid === null ? Number.NaN : fs.readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return Number.NaN;
  }
}

/** TCP connections of a process in CLOSE-WAIT: the peer closed, the process never did. */
function closeWaitSockets(pid: number | null): number {
  try {
    if (pid === null) return Number.NaN;
    const inodes = new Set<string>();
    for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
      const link = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`, 'utf8'));
      if (link) inodes.add(link[1]!);
    }
    let count = 0;
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      if (!fs.existsSync(table)) continue;
      for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
        const fields = line.trim().split(/\s+/);
        if (fields[3] === '08' && inodes.has(fields[9]!)) count += 1;
      }
    }
    return count;
  } catch {
    return Number.NaN;
  }
}

/** Waits for the daemon to be gone, SIGKILLs it when it is not, then sweeps the home's processes. */
async function ensureDead(daemon: number | null, marker: string): Promise<string> {
  const notes: string[] = [];
  if (daemon !== null) {
    const deadline = Date.now() + 5_000;
    while (isPidAlive(daemon) && Date.now() < deadline) await sleep(50);
    if (isPidAlive(daemon)) {
      notes.push(`daemon ${daemon} alive 5 s after kill: SIGKILLed`);
      killAll([daemon]);
    }
  }
  for (let attempt = 0; attempt < 50; attempt++) {
    const left = pidsWithEnv(marker);
    if (left.length === 0) break;
    if (attempt === 0) notes.push(`${left.length} processes left after kill: SIGKILLed`);
    killAll(left);
    await sleep(100);
  }
  const left = pidsWithEnv(marker);
  if (left.length > 0) throw new Error(`processes with ${marker} still alive: ${left.join(' ')}`);
  if (daemon !== null && isPidAlive(daemon)) throw new Error(`daemon ${daemon} still alive`);
  return notes.join('; ');
}

async function waitUntilAnswering(port: number, timeoutMs: number): Promise<void> {
  const pids = await answeringPids(port, INSTANCES, timeoutMs);
  if (pids.size < INSTANCES) {
    throw new Error(`${pids.size} of ${INSTANCES} instances answered on port ${port} within ${timeoutMs} ms`);
  }
}

function createPmTool(port: number): Tool {
  const home = createTempHome();
  const env = { ...home.env, PORT: String(port) };
  const pidFile = resolvePaths(env).pidFile;
  const marker = `PM_HOME=${home.home}`;
  const cli = (args: string[]) => runCommand(process.execPath, [PM_BIN, ...args], env);
  return {
    name: 'pm',
    command: `pm reload ${APP_NAME} (listen: [port], ${INSTANCES} instances)`,
    port,
    start: async () => {
      const config = path.join(home.home, 'reload.yaml');
      fs.writeFileSync(
        config,
        [
          'apps:',
          `  - name: ${APP_NAME}`,
          `    script: ${JSON.stringify(APP)}`,
          `    instances: ${INSTANCES}`,
          `    listen: [${port}]`,
          '    env:',
          `      PORT: "${port}"`,
          '',
        ].join('\n'),
      );
      const started = await cli(['start', config]);
      if (started.status !== 0) {
        throw new Error(`pm start exited ${started.status}: ${firstLine(started.stderr || started.stdout)}`);
      }
      await waitUntilAnswering(port, 30_000);
    },
    reload: () => cli(['reload', APP_NAME]),
    stop: async () => {
      const daemon = readPid(pidFile);
      const killed = await cli(['kill']);
      const notes = await ensureDead(daemon, marker);
      await home.cleanup();
      return [killed.status === 0 ? '' : `pm kill exited ${killed.status}`, notes].filter(Boolean).join('; ');
    },
    killNow: () => {
      killMarked(readPid(pidFile), marker);
      fs.rmSync(home.home, { recursive: true, force: true });
    },
    daemonPid: () => readPid(pidFile),
  };
}

function createPm2Tool(port: number): Tool {
  const bin = fs.realpathSync(PM2_BIN);
  // Short: PM2's sockets live in its home, and a Unix socket path is at most 107 bytes.
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pm2-reload-'));
  fs.chmodSync(home, 0o700);
  const env = { ...process.env, PM2_HOME: home, PORT: String(port) };
  const pidFile = path.join(home, 'pm2.pid');
  const marker = `PM2_HOME=${home}`;
  const cli = (args: string[]) => runCommand(process.execPath, [bin, ...args], env);
  return {
    name: 'pm2',
    command: `pm2 reload ${APP_NAME} (cluster mode, -i ${INSTANCES})`,
    port,
    start: async () => {
      const started = await cli(['start', APP, '-i', String(INSTANCES), '--name', APP_NAME]);
      if (started.status !== 0) {
        throw new Error(`pm2 start exited ${started.status}: ${firstLine(started.stderr || started.stdout)}`);
      }
      const deadline = Date.now() + 30_000;
      for (;;) {
        const list = await cli(['jlist']);
        const online = (JSON.parse(list.stdout || '[]') as Array<{ pm2_env: { status: string } }>).filter(
          (p) => p.pm2_env.status === 'online',
        ).length;
        if (online === INSTANCES) break;
        if (Date.now() > deadline) throw new Error(`${online} of ${INSTANCES} online after 30 s`);
        await sleep(100);
      }
      await waitUntilAnswering(port, 30_000);
    },
    reload: () => cli(['reload', APP_NAME]),
    stop: async () => {
      const daemon = readPid(pidFile);
      const killed = await cli(['kill']);
      const notes = await ensureDead(daemon, marker);
      fs.rmSync(home, { recursive: true, force: true });
      return [killed.status === 0 ? '' : `pm2 kill exited ${killed.status}`, notes]
        .filter(Boolean)
        .join('; ');
    },
    killNow: () => {
      killMarked(readPid(pidFile), marker);
      fs.rmSync(home, { recursive: true, force: true });
    },
    daemonPid: () => readPid(pidFile),
  };
}

interface RunResult {
  /** NaN when the reload failed. */
  wallMs: number;
  total: number;
  failed: number;
  failures: Map<string, number>;
  /** From the first to the last failed request sent, relative to the reload's start (ms). */
  failWindow: [number, number] | null;
  /** Of the pids answering after the reload, those that were not there before. */
  newPids: number;
  /** Pids from before the reload still alive when the command returned. */
  oldAliveAtReturn: number;
  /** Requests answered by a pid from before the reload after the command returned. */
  oldAnswersAfterReturn: number;
  error?: string;
}

async function measure(tool: Tool): Promise<RunResult> {
  const before = await answeringPids(tool.port, INSTANCES, 10_000);
  if (before.size < INSTANCES)
    throw new Error(`${before.size} of ${INSTANCES} instances answer before the reload`);
  const load = startLoad(tool.port);
  await sleep(WARMUP_MS);
  const reloadStart = performance.now();
  const reload = await tool.reload();
  const reloadEnd = performance.now();
  const oldAliveAtReturn = [...before].filter(isPidAlive).length;
  await sleep(AFTER_MS);
  const outcome = await load.stop();
  const after = await answeringPids(tool.port, INSTANCES, 5_000);
  const failed = outcome.failedAt.length;
  return {
    wallMs: reload.status === 0 ? reload.ms : Number.NaN,
    total: outcome.ok + failed,
    failed,
    failures: outcome.failures,
    failWindow:
      failed > 0
        ? [Math.min(...outcome.failedAt) - reloadStart, Math.max(...outcome.failedAt) - reloadStart]
        : null,
    newPids: [...after].filter((pid) => !before.has(pid)).length,
    oldAliveAtReturn,
    oldAnswersAfterReturn: outcome.answers.filter(([at, pid]) => at > reloadEnd && before.has(pid)).length,
    ...(reload.status !== 0 && {
      error: `${tool.name} reload exited ${reload.status}: ${firstLine(reload.stderr || reload.stdout)}`,
    }),
  };
}

/** The successful runs' figures; NaN (null in JSON) when there are none. */
function figures(runs: RunResult[], pick: (run: RunResult) => number): Summary | number {
  const values = runs.filter((run) => !run.error).map(pick);
  return values.length > 0 ? summarize(values) : Number.NaN;
}

interface Fds {
  before: number;
  after: number;
  closeWait: number;
}

function reportTool(
  tool: Tool,
  runs: RunResult[],
  problem: string | undefined,
  pm2Wall: number | null,
  fds: Fds | undefined,
): void {
  const prefix = `${tool.name}: ${LABEL}`;
  const good = runs.filter((run) => !run.error);
  const errors = [problem, ...runs.map((run) => run.error)].filter(Boolean);
  const failedNote = errors.length > 0 ? `${RUNS - good.length} of ${RUNS} runs failed: ${errors[0]}` : '';
  const join = (...parts: string[]) => parts.filter(Boolean).join('; ');
  const wall = figures(runs, (run) => run.wallMs);
  const ratio =
    tool.name === 'pm' && pm2Wall !== null && typeof wall !== 'number'
      ? `${(wall.median / pm2Wall).toFixed(2)} x PM2's median`
      : '';
  report(`${prefix}: wall time`, 'ms', wall, join(tool.command, ratio, failedNote));

  const kinds = new Map<string, number>();
  for (const run of good) for (const [kind, n] of run.failures) kinds.set(kind, (kinds.get(kind) ?? 0) + n);
  const windows = good
    .map((run) => run.failWindow)
    .filter((w): w is [number, number] => w !== null)
    .map(([from, to]) => `${Math.round(from)}..${Math.round(to)}`);
  report(
    `${prefix}: failed requests`,
    'count',
    figures(runs, (run) => run.failed),
    join(
      good.length === 0
        ? ''
        : kinds.size > 0
          ? `all runs: ${[...kinds].map(([kind, n]) => `${n} ${kind}`).join(', ')}`
          : 'none failed',
      windows.length > 0 ? `failures sent at ms after the reload began: ${windows.join(', ')}` : '',
      failedNote,
    ),
  );
  report(
    `${prefix}: total requests`,
    'count',
    figures(runs, (run) => run.total),
    join(
      `${CONCURRENCY} loops, a new connection each, ${REQUEST_TIMEOUT_MS} ms timeout, from ${WARMUP_MS} ms before the reload to ${AFTER_MS} ms after it returned`,
      failedNote,
    ),
  );
  report(
    `${prefix}: instances answering from a new pid after`,
    'count',
    figures(runs, (run) => run.newPids),
    join(
      `of ${INSTANCES}`,
      good.length > 0
        ? `old pids alive when the command returned: ${good.map((run) => run.oldAliveAtReturn).join(', ')}; requests answered by an old pid after it returned: ${good.map((run) => run.oldAnswersAfterReturn).join(', ')}`
        : '',
      failedNote,
    ),
  );
  // PM2's cluster primary accepts the connections and hands them to a worker: one handed to an
  // old worker that is killed before taking it stays open in the daemon (CLOSE-WAIT), unanswered.
  report(
    `${prefix}: daemon TCP connections left in CLOSE-WAIT after the reloads`,
    'count',
    fds ? fds.closeWait : Number.NaN,
    join(
      fds ? `daemon open descriptors: ${fds.before} after the start, ${fds.after} after the last reload` : '',
      failedNote,
    ),
  );
}

const tools: Tool[] = [];
process.on('exit', () => {
  for (const child of commands) child.kill('SIGKILL');
  for (const tool of tools) tool.killNow();
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => process.exit(130));
}

async function main(): Promise<void> {
  const load = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  report('machine load average (1, 5, 15 min) at the start', '', Number.NaN, load());
  const problems = new Map<Tool, string>();
  const results = new Map<Tool, RunResult[]>();
  const fds = new Map<Tool, Fds>();
  try {
    // PM2 first, then pm: both stay up, and the reloads take turns, so both see the same machine.
    if (fs.existsSync(PM2_BIN)) tools.push(createPm2Tool(await freePort()));
    else report(`pm2: ${LABEL}: skipped`, '', Number.NaN, `PM2 is not installed at ${PM2_BIN}`);
    tools.push(createPmTool(await freePort()));
    for (const tool of tools) {
      results.set(tool, []);
      process.stderr.write(`bench: reload: starting ${tool.name} on port ${tool.port}\n`);
      await tool.start().catch((error: Error) => problems.set(tool, error.message));
      if (!problems.has(tool))
        fds.set(tool, { before: openFds(tool.daemonPid()), after: Number.NaN, closeWait: Number.NaN });
    }
    for (let run = 0; run < RUNS; run++) {
      for (const tool of tools) {
        if (problems.has(tool)) continue;
        process.stderr.write(`bench: reload: ${tool.name}, run ${run + 1} of ${RUNS}\n`);
        try {
          const result = await measure(tool);
          results.get(tool)!.push(result);
          if (result.error) process.stderr.write(`bench: reload: ${result.error}\n`);
        } catch (error) {
          problems.set(tool, (error as Error).message);
        }
        // The reloaded instances settle before the next tool's reload.
        await sleep(500);
      }
    }
    await sleep(1_000);
    for (const [tool, count] of fds) {
      count.after = openFds(tool.daemonPid());
      count.closeWait = closeWaitSockets(tool.daemonPid());
    }
  } finally {
    for (const tool of tools) {
      const note = await tool.stop().catch((error: Error) => {
        tool.killNow();
        return `cleanup failed: ${error.message}`;
      });
      if (note) process.stderr.write(`bench: reload: ${tool.name} cleanup: ${note}\n`);
    }
  }
  const pm2 = tools.find((tool) => tool.name === 'pm2');
  const pm2Wall = pm2 ? figures(results.get(pm2)!, (run) => run.wallMs) : Number.NaN;
  for (const tool of tools) {
    const problem = problems.get(tool);
    const wall = typeof pm2Wall === 'number' ? null : pm2Wall.median;
    reportTool(tool, results.get(tool)!, problem, wall, problem ? undefined : fds.get(tool));
  }
  report('machine load average (1, 5, 15 min) at the end', '', Number.NaN, load());
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exitCode = 1;
});
