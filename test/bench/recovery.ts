// Benchmark of recovery: SIGKILL of an app → its new process alive (restart_delay 0, polling /proc
// every 2 ms, as the peer harness does for PM2), and SIGKILL of the daemon → every app re-adopted
// by the next daemon (same pids), as seen by a client that starts it the normal way.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { DaemonClient } from '../../src/cli/daemon-client.js';
import { resolvePaths } from '../../src/config/paths.js';
import { isPidAlive } from '../helpers/proc-entry.js';
import { fixtureApp, PM_BIN } from '../helpers/run-cli.js';
import { createTempHome } from '../helpers/temp-home.js';
import { report, summarize, timeCommand } from './stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const APPS = Number(process.env.BENCH_RECOVERY_APPS ?? 10);
const POLL_MS = 2;
/** Past the default min_uptime (1 s): each crash is a crash after a stable run, restarted at once. */
const GAP_MS = 1_200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const elapsedMs = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

async function list(env: NodeJS.ProcessEnv) {
  const client = await DaemonClient.connect(resolvePaths(env), { autoStart: true });
  try {
    return await client.request({ type: 'list' });
  } finally {
    client.close();
  }
}

/** Live children of a process's main thread: where a restarted app appears first. */
function childrenOf(pid: number): number[] {
  const text = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text ? text.split(' ').map(Number).filter(isPidAlive) : [];
}

/** SIGKILLs the app RUNS times, GAP_MS apart, and times each until its parent has a new child. */
async function timeRespawns(parentPid: number, currentPid: () => Promise<number>): Promise<number[]> {
  const samples: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await sleep(GAP_MS);
    const old = await currentPid();
    const start = process.hrtime.bigint();
    process.kill(old, 'SIGKILL');
    while (!childrenOf(parentPid).some((pid) => pid !== old)) await sleep(POLL_MS);
    samples.push(elapsedMs(start));
  }
  return samples;
}

/** The floor, measured in the same run: this process spawns the app and respawns it on `exit`. */
async function bareRespawn(): Promise<number[]> {
  let child = spawn(process.execPath, [fixtureApp('forever.js')], { stdio: 'ignore' });
  const respawn = () => {
    child = spawn(process.execPath, [fixtureApp('forever.js')], { stdio: 'ignore' });
    child.once('exit', respawn);
  };
  child.once('exit', respawn);
  try {
    return await timeRespawns(process.pid, async () => child.pid!);
  } finally {
    child.removeAllListeners('exit');
    child.kill('SIGKILL');
  }
}

async function crashToNewPid(env: NodeJS.ProcessEnv): Promise<number[]> {
  timeCommand(process.execPath, [PM_BIN, 'start', fixtureApp('forever.js'), '--name', 'crash'], env);
  const daemonPid = Number(fs.readFileSync(resolvePaths(env).pidFile, 'utf8'));
  return timeRespawns(daemonPid, async () => (await list(env))[0]!.pid!);
}

/** Adds APPS apps beside the crash app, then times the re-adoption of all of them. */
async function daemonKillToReadopted(env: NodeJS.ProcessEnv): Promise<number[]> {
  for (let i = 0; i < APPS; i++) {
    timeCommand(process.execPath, [PM_BIN, 'start', fixtureApp('forever.js'), '--name', `app${i}`], env);
  }
  const samples: number[] = [];
  for (let run = 0; run < Math.max(3, RUNS / 2); run++) {
    const before = (await list(env)).map((p) => p.pid);
    const daemonPid = Number(fs.readFileSync(resolvePaths(env).pidFile, 'utf8'));
    const start = process.hrtime.bigint();
    process.kill(daemonPid, 'SIGKILL');
    while (isPidAlive(daemonPid)) await sleep(1);
    for (;;) {
      const after = await list(env).catch(() => []);
      const readopted = after.filter((p) => p.status === 'online' && before.includes(p.pid));
      if (readopted.length === before.length) break;
      await sleep(POLL_MS);
    }
    samples.push(elapsedMs(start));
  }
  return samples;
}

async function main(): Promise<void> {
  const home = createTempHome();
  try {
    const floor = summarize(await bareRespawn());
    report('bare respawn: SIGKILL → new pid alive', 'ms', floor, 'the floor: spawn again on exit');
    const crash = summarize(await crashToNewPid(home.env));
    report(
      'crash → new pid alive, restart_delay 0',
      'ms',
      crash,
      `${(crash.median / floor.median).toFixed(2)} x the floor (PM2: 11.9 ms against a 6.6 ms floor)`,
    );
    const adopt = summarize(await daemonKillToReadopted(home.env));
    report(
      `daemon SIGKILL → ${APPS + 1} apps re-adopted`,
      'ms',
      adopt,
      'includes starting the new daemon; same pids',
    );
  } finally {
    await home.cleanup();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exitCode = 1;
});
