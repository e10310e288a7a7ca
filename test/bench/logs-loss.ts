// What a daemon crash costs the logs: an app writes numbered lines while the daemon is SIGKILLed at
// random moments and started again (the next command starts it, and it adopts the app); afterwards
// the log is read whole and every line is classified. Three writers: 100 lines/s one line per write,
// 50,000 lines/s in 4 KiB blocks cut anywhere (a block-buffered app), and full speed.
// BENCH_LOSS_KILLS kills per writer (default 100); the figures are given per 100 kills.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listApps, request } from '../helpers/daemon.js';
import { classifyNumberedLog } from '../helpers/numbered-log.js';
import { isGone, readDaemonPidFile } from '../helpers/proc.js';
import { startApp } from '../helpers/start-app.js';
import { createTempHome } from '../helpers/temp-home.js';
import { waitFor } from '../helpers/wait-for.js';
import { report } from './stats.js';

const KILLS = Number(process.env.BENCH_LOSS_KILLS ?? 100);
/** A kill lands this long after the daemon has adopted the app again, uniformly at random. */
const KILL_AFTER_MS = { min: 20, max: 200 };
const WRITER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'numbered-writer.js');

interface Writer {
  label: string;
  linesPerSecond: number;
  blockBytes: number;
}

const WRITERS: Writer[] = [
  { label: '100 lines/s', linesPerSecond: 100, blockBytes: 0 },
  { label: '50k lines/s, 4 KiB blocks', linesPerSecond: 50_000, blockBytes: 4096 },
  { label: 'full speed', linesPerSecond: 0, blockBytes: 0 },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** SIGKILLs the daemon, then starts the next one and waits until it has adopted the app (same pid). */
async function killAndReadopt(home: string, env: NodeJS.ProcessEnv, appPid: number): Promise<void> {
  const daemon = readDaemonPidFile(home)!;
  process.kill(daemon, 'SIGKILL');
  await waitFor(() => isGone(daemon), { intervalMs: 2, message: `daemon ${daemon} gone` });
  await waitFor(
    async () => {
      const [app] = await listApps(env);
      return app?.status === 'online' && app.pid === appPid;
    },
    { intervalMs: 5, timeoutMs: 30_000, message: 'the app adopted by the next daemon' },
  );
}

async function measure(home: string, env: NodeJS.ProcessEnv, writer: Writer, n: number) {
  const name = `loss${n}`;
  const [app] = await startApp(env, {
    name,
    script: WRITER,
    args: [String(writer.linesPerSecond), String(writer.blockBytes)],
    // One file, never rotated: the whole run is read back at the end.
    logs: { maxSizeBytes: 0 },
  });
  const log = app!.outLog;
  const size = () => fs.statSync(log, { throwIfNoEntry: false })?.size ?? 0;
  await waitFor(() => size() > 0, { message: `lines in ${log}` });
  const startedMs = performance.now();
  for (let kill = 0; kill < KILLS; kill++) {
    await sleep(KILL_AFTER_MS.min + Math.random() * (KILL_AFTER_MS.max - KILL_AFTER_MS.min));
    await killAndReadopt(home, env, app!.pid!);
  }
  const grown = size();
  await waitFor(() => size() > grown, { message: 'lines after the last kill' });
  await request(env, { type: 'stop', target: { kind: 'name', name } });
  const seconds = (performance.now() - startedMs) / 1000;
  const counts = classifyNumberedLog(log);
  await request(env, { type: 'delete', target: { kind: 'name', name } });
  fs.rmSync(log, { force: true });
  return { counts, seconds };
}

async function main(): Promise<void> {
  const { home, env, cleanup } = createTempHome();
  try {
    for (const [n, writer] of WRITERS.entries()) {
      const { counts, seconds } = await measure(home, env, writer, n);
      const per100 = (value: number) => Math.round((value * 100 * 100) / KILLS) / 100;
      const note = `${KILLS} kills in ${seconds.toFixed(0)} s, ${counts.lines} lines; per 100 kills`;
      report(`log loss, ${writer.label}: lines lost`, 'lines', per100(counts.lost), note);
      report(`log loss, ${writer.label}: kills that lost lines`, 'kills', per100(counts.gaps), note);
      report(`log loss, ${writer.label}: most lines lost by one kill`, 'lines', counts.maxGap);
      report(
        `log loss, ${writer.label}: lines cut short, marked`,
        'lines',
        per100(counts.cut),
        `${note}; ${per100(counts.rejoined)} of them with no byte missing`,
      );
      report(
        `log loss, ${writer.label}: lines glued together`,
        'lines',
        counts.merged + counts.duplicated,
        'must be 0',
      );
    }
  } finally {
    await cleanup();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exitCode = 1;
});
