// Benchmark of the foundation: CLI round trip, cold start, start and stop of 50 apps, daemon
// memory. Every figure is also given as a ratio of `node -e 0` measured in the same run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolvePaths } from '../../src/config/paths.js';
import { isPidAlive } from '../helpers/proc-entry.js';
import { PM_BIN } from '../helpers/run-cli.js';
import { createTempHome } from '../helpers/temp-home.js';
import { againstFloor, report, rssBytes, timeCommand } from './stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const APPS = Number(process.env.BENCH_APPS ?? 50);
const IDLE_MS = 2000;

function pm(env: NodeJS.ProcessEnv, ...args: string[]): number {
  return timeCommand(process.execPath, [PM_BIN, ...args], env);
}

function daemonPid(env: NodeJS.ProcessEnv): number {
  return Number(fs.readFileSync(resolvePaths(env).pidFile, 'utf8'));
}

async function main(): Promise<void> {
  const home = createTempHome();
  const env = home.env;
  try {
    const cold = againstFloor(Math.max(3, RUNS / 4), () => {
      spawnSync(process.execPath, [PM_BIN, 'kill'], { env, stdio: 'ignore' });
      return pm(env, 'list', '--json');
    });
    report(
      'node -e 0',
      'ms',
      cold.floor,
      'the floor: starting node itself, run alternately with the cold starts',
    );
    report('cold start: pm list --json with no daemon', 'ms', cold.measured, `${cold.ratio} (target <= 3)`);

    const warm = againstFloor(RUNS, () => pm(env, 'list', '--json'));
    report('warm pm list --json, 0 apps', 'ms', warm.measured, `${warm.ratio} (target <= 1.3)`);
    const table = againstFloor(RUNS, () => pm(env, 'list'));
    report('warm pm list (table), 0 apps', 'ms', table.measured, table.ratio);
    // Idle RSS: 2 s after the last command, as the peer harness reads it.
    await sleep(IDLE_MS);
    report('daemon RSS, 0 apps, idle', 'MB', (rssBytes(daemonPid(env)) ?? 0) / 2 ** 20, 'target <= 45');

    const started = process.hrtime.bigint();
    for (let i = 0; i < APPS; i++) pm(env, 'start', 'sleep 3600', '--name', `s${i}`);
    const startMs = Number(process.hrtime.bigint() - started) / 1e6;
    report(
      `start ${APPS} apps, one command each`,
      'ms',
      startMs,
      `${(startMs / APPS).toFixed(1)} ms per app`,
    );
    const list = JSON.parse(
      spawnSync(process.execPath, [PM_BIN, 'list', '--json'], { env, encoding: 'utf8' }).stdout,
    );
    const alive = list.filter((p: { pid: number | null }) => p.pid !== null && isPidAlive(p.pid)).length;
    report(`apps alive after start`, 'count', alive);

    const warm50 = againstFloor(RUNS, () => pm(env, 'list', '--json'));
    report(`warm pm list --json, ${APPS} apps`, 'ms', warm50.measured, warm50.ratio);
    await sleep(IDLE_MS);
    report(`daemon RSS, ${APPS} apps, idle`, 'MB', (rssBytes(daemonPid(env)) ?? 0) / 2 ** 20);

    const stopMs = pm(env, 'stop', 'all');
    report(`stop all ${APPS} apps`, 'ms', stopMs);
    pm(env, 'delete', 'all');
    pm(env, 'kill');
  } finally {
    await home.cleanup();
  }
}

await main();
