// The two managers that scale.ts drives, behind one shape: how to run their CLI, read their list
// and find their daemon, and how to remove every process they started, even after a failed run:
// each process of theirs carries its home in its environment (PM_HOME=, PM2_HOME=), and only
// processes with that exact marker are killed, by pid.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_STOP } from '../../src/config/defaults.js';
import { resolvePaths } from '../../src/config/paths.js';
import { isPidAlive } from '../helpers/proc-entry.js';
import { PM_BIN } from '../helpers/run-cli.js';
import { killAll, pidsWithEnv } from '../helpers/temp-home.js';

export const PM2_BIN = process.env.PM2_BIN ?? '/tmp/anchors/pm2/node_modules/.bin/pm2';
const PM2_HOME = process.env.BENCH_PM2_HOME ?? '/tmp/anchors/pm2home-scale';
/** PM2's default kill_timeout (fork mode): SIGINT, then SIGKILL after this. */
const PM2_KILL_TIMEOUT_MS = 1600;

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

export interface CliOptions {
  timeoutMs?: number;
  /** The command's environment, when not the manager's own. */
  env?: NodeJS.ProcessEnv;
}

export interface Listed {
  pid: number | null;
  /** As the manager names it: online, stopping, stopped, ... */
  state: string;
  online: boolean;
  /** The manager has measured it (pm: memory known); PM2 lists no such thing. */
  sampled: boolean;
}

export interface Manager {
  name: 'pm' | 'PM2';
  home: string;
  env: NodeJS.ProcessEnv;
  killTimeoutMs: number;
  listArgs: string[];
  /** The CLI as [file, args], for timeCommand. */
  argv(args: string[]): [string, string[]];
  cli(args: string[], options?: CliOptions): CliRun;
  parseList(stdout: string): Listed[];
  daemonPid(): number | null;
  /** SIGKILLs the daemon, then every process carrying the home's marker; removes the home. */
  cleanup(): Promise<void>;
}

function runCli(file: string, args: string[], env: NodeJS.ProcessEnv, options: CliOptions): CliRun {
  const started = process.hrtime.bigint();
  const result = spawnSync(file, args, {
    env: options.env ?? env,
    encoding: 'utf8',
    maxBuffer: 2 ** 30,
    timeout: options.timeoutMs ?? 600_000,
    killSignal: 'SIGKILL',
  });
  return {
    status: result.status,
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? '',
    ms: Number(process.hrtime.bigint() - started) / 1e6,
    timedOut: (result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT',
  };
}

/** The live pid in a pid file, or null. */
export function readPid(file: string): number | null {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && isPidAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

async function killMarked(daemon: number | null, marker: string): Promise<void> {
  // The daemon first: while it lives it may start new processes (a restart) behind the scan.
  if (daemon !== null) killAll([daemon]);
  for (let attempt = 0; attempt < 100; attempt++) {
    const left = pidsWithEnv(marker);
    if (left.length === 0) return;
    killAll(left);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`processes with ${marker} are still alive: ${pidsWithEnv(marker).join(' ')}`);
}

/** pm with a fresh home (mkdtemp, mode 700). */
export function createPm(): Manager {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-scale-'));
  fs.chmodSync(home, 0o700);
  const env = { ...process.env, PM_HOME: home, NO_COLOR: '1' };
  const pm: Manager = {
    name: 'pm',
    home,
    env,
    killTimeoutMs: DEFAULT_STOP.killTimeoutMs,
    listArgs: ['list', '--json'],
    argv: (args) => [process.execPath, [PM_BIN, ...args]],
    cli: (args, options = {}) => runCli(process.execPath, [PM_BIN, ...args], env, options),
    parseList: (stdout) =>
      (JSON.parse(stdout) as Array<{ pid: number | null; state: string; memory: number | null }>).map(
        (p) => ({ pid: p.pid, state: p.state, online: p.state === 'online', sampled: p.memory !== null }),
      ),
    daemonPid: () => readPid(resolvePaths(env).pidFile),
    cleanup: async () => {
      await killMarked(pm.daemonPid(), `PM_HOME=${home}`);
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
  return pm;
}

/** PM2 (installed outside the repo, see docs/performance.md) in its own home; null when not installed. */
export async function createPm2(): Promise<Manager | null> {
  if (!fs.existsSync(PM2_BIN)) return null;
  const bin = fs.realpathSync(PM2_BIN);
  const home = PM2_HOME;
  const pidFile = path.join(home, 'pm2.pid');
  // What an interrupted run left in this home goes first: a fresh home for every run.
  await killMarked(readPid(pidFile), `PM2_HOME=${home}`);
  fs.rmSync(home, { recursive: true, force: true });
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  const env = { ...process.env, PM2_HOME: home };
  const pm2: Manager = {
    name: 'PM2',
    home,
    env,
    killTimeoutMs: PM2_KILL_TIMEOUT_MS,
    listArgs: ['jlist'],
    argv: (args) => [process.execPath, [bin, ...args]],
    cli: (args, options = {}) => runCli(process.execPath, [bin, ...args], env, options),
    parseList: (stdout) =>
      (JSON.parse(stdout) as Array<{ pid: number; pm2_env: { status: string } }>).map((p) => ({
        pid: p.pid > 0 ? p.pid : null,
        state: p.pm2_env.status,
        online: p.pm2_env.status === 'online',
        sampled: true,
      })),
    daemonPid: () => readPid(pidFile),
    cleanup: async () => {
      await killMarked(pm2.daemonPid(), `PM2_HOME=${home}`);
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
  return pm2;
}

/** Open descriptors of a process and its soft limit. */
export function fdUsage(pid: number): { open: number; limit: number } | null {
  try {
    const open = fs.readdirSync(`/proc/${pid}/fd`).length;
    const limits = fs.readFileSync(`/proc/${pid}/limits`, 'utf8');
    const limit = Number(/^Max open files\s+(\d+)/m.exec(limits)?.[1] ?? Number.NaN);
    return { open, limit };
  } catch {
    return null;
  }
}

/** Peak resident memory (VmHWM) in bytes. */
export function peakRssBytes(pid: number): number | null {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}
