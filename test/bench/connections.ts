// Benchmark of the daemon under connection abuse: 500 connections each holding a ~1 MiB half
// frame, then 20,000 connections that never send anything; daemon RSS before, at the peak and
// after they are gone, and whether `pm ping` gets in meanwhile (and how fast). Runs alone:
// `node dist/test/bench/connections.js`. BENCH_HALF_FRAMES (500), BENCH_HALF_FRAME_KIB (1000),
// BENCH_IDLE_CONNECTIONS (20000), BENCH_SETTLE_SECONDS (10: how long after the close RSS is read).
// The connections are held by child processes of at most 5,000 each, under their open-files limit.
import { fork, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { resolvePaths } from '../../src/config/paths.js';
import { PM_BIN } from '../helpers/run-cli.js';
import { createTempHome } from '../helpers/temp-home.js';
import { report, rssBytes } from './stats.js';

const HALF_FRAMES = Number(process.env.BENCH_HALF_FRAMES ?? 500);
const HALF_FRAME_BYTES = Number(process.env.BENCH_HALF_FRAME_KIB ?? 1000) * 1024;
const IDLE_CONNECTIONS = Number(process.env.BENCH_IDLE_CONNECTIONS ?? 20_000);
const SETTLE_SECONDS = Number(process.env.BENCH_SETTLE_SECONDS ?? 10);
const PER_HOLDER = 5000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number | null) => (bytes ?? 0) / 2 ** 20;

/** Child mode: open `count` connections (each sending `bytes` without a newline), report, hold. */
async function hold(socketPath: string, count: number, bytes: number): Promise<void> {
  const payload = Buffer.alloc(bytes, 'x');
  payload.write('{"id":1,"type":"ping","pad":"');
  const sockets: net.Socket[] = [];
  let closed = 0;
  /** Connections the daemon sent an error frame: refused, or closed to make room. */
  let refused = 0;
  const failed = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    await new Promise<void>((resolve) => {
      const socket = net.connect(socketPath);
      socket.once('connect', () => {
        socket.removeAllListeners('error');
        socket.on('error', () => {});
        // Read what the daemon sends, so that its closing the connection is seen.
        socket.once('data', () => {
          refused += 1;
        });
        socket.once('close', () => {
          closed += 1;
        });
        if (bytes > 0) socket.write(payload);
        sockets.push(socket);
        resolve();
      });
      socket.once('error', (error: NodeJS.ErrnoException) => {
        failed.set(error.code ?? 'error', (failed.get(error.code ?? 'error') ?? 0) + 1);
        resolve();
      });
    });
  }
  process.send!({ opened: sockets.length, failed: Object.fromEntries(failed) });
  process.on('message', () => process.send!({ closed, refused }));
  process.on('disconnect', () => process.exit(0));
}

interface Holder {
  opened: Promise<{ opened: number; failed: Record<string, number> }>;
  counts(): Promise<{ closed: number; refused: number }>;
  stop(): void;
}

function startHolder(socketPath: string, count: number, bytes: number): Holder {
  const child = fork(fileURLToPath(import.meta.url), ['hold', socketPath, String(count), String(bytes)]);
  const next = () =>
    new Promise<Record<string, number>>((resolve) => child.once('message', resolve as never));
  return {
    opened: next() as unknown as Promise<{ opened: number; failed: Record<string, number> }>,
    counts: async () => {
      const answer = next();
      child.send('count');
      const { closed = 0, refused = 0 } = await answer;
      return { closed, refused };
    },
    stop: () => child.kill('SIGKILL'),
  };
}

/** `pm ping` while the daemon is under load: whether it got in, in how many ms, and what it said. */
function ping(env: NodeJS.ProcessEnv): { ok: boolean; ms: number; said: string } {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [PM_BIN, 'ping', '--json'], { env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { ok: result.status === 0, ms, said: result.status === 0 ? 'pong' : result.stderr.trim() };
}

/** Runs `phase` while sampling the daemon's RSS every 50 ms; the highest seen. */
async function peakRss(pid: number, phase: () => Promise<void>): Promise<number> {
  let peak = rssBytes(pid) ?? 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssBytes(pid) ?? 0);
  }, 50);
  try {
    await phase();
  } finally {
    clearInterval(sampler);
  }
  return Math.max(peak, rssBytes(pid) ?? 0);
}

async function scenario(
  name: string,
  env: NodeJS.ProcessEnv,
  daemonPid: number,
  count: number,
  bytes: number,
): Promise<void> {
  const socketPath = resolvePaths(env).socket;
  report(`${name}: daemon RSS before`, 'MB', mb(rssBytes(daemonPid)));
  const holders: Holder[] = [];
  let opened = 0;
  const failed: Record<string, number> = {};
  let whileOpening = { ok: false, ms: 0, said: '' };
  let whileHeld = whileOpening;
  const peak = await peakRss(daemonPid, async () => {
    for (let left = count; left > 0; left -= PER_HOLDER) {
      holders.push(startHolder(socketPath, Math.min(left, PER_HOLDER), bytes));
    }
    await sleep(300);
    whileOpening = ping(env);
    for (const holder of holders) {
      const result = await holder.opened;
      opened += result.opened;
      for (const [code, n] of Object.entries(result.failed)) failed[code] = (failed[code] ?? 0) + n;
    }
    await sleep(2000); // let the daemon read what was sent
    whileHeld = ping(env);
  });
  let closedByDaemon = 0;
  let refused = 0;
  for (const holder of holders) {
    const counts = await holder.counts();
    closedByDaemon += counts.closed;
    refused += counts.refused;
  }
  report(
    `${name}: connections opened`,
    'count',
    opened,
    `failed to connect: ${JSON.stringify(failed)}; told why and refused or closed by the daemon: ${refused}; closed so far: ${closedByDaemon}`,
  );
  report(`${name}: daemon RSS peak`, 'MB', mb(peak));
  report(`${name}: daemon RSS with them held`, 'MB', mb(rssBytes(daemonPid)));
  for (const [when, result] of [
    ['while they are being opened', whileOpening],
    ['while they are held', whileHeld],
  ] as const) {
    report(`${name}: pm ping ${when}`, 'ms', result.ms, result.ok ? 'answered' : `failed: ${result.said}`);
  }
  report(
    `${name}: daemon open descriptors with them held`,
    'count',
    fs.readdirSync(`/proc/${daemonPid}/fd`).length,
  );
  for (const holder of holders) holder.stop();
  await sleep(SETTLE_SECONDS * 1000);
  report(`${name}: daemon RSS ${SETTLE_SECONDS} s after they closed`, 'MB', mb(rssBytes(daemonPid)));
  const after = ping(env);
  report(`${name}: pm ping after`, 'ms', after.ms, after.ok ? 'answered' : `failed: ${after.said}`);
}

async function main(): Promise<void> {
  const home = createTempHome();
  try {
    const first = ping(home.env);
    if (!first.ok) throw new Error(`the daemon did not start: ${first.said}`);
    const daemonPid = Number(fs.readFileSync(resolvePaths(home.env).pidFile, 'utf8'));
    await sleep(2000);
    await scenario(
      `${HALF_FRAMES} x ${HALF_FRAME_BYTES >> 10} KiB half frames`,
      home.env,
      daemonPid,
      HALF_FRAMES,
      HALF_FRAME_BYTES,
    );
    await scenario(`${IDLE_CONNECTIONS} silent connections`, home.env, daemonPid, IDLE_CONNECTIONS, 0);
  } finally {
    await home.cleanup();
  }
}

if (process.argv[2] === 'hold') {
  await hold(process.argv[3]!, Number(process.argv[4]), Number(process.argv[5]));
} else {
  await main();
}
