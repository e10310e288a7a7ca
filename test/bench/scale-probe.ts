// An outside bound on pm's event-loop delay, for a daemon whose `pm ping --json` does not report
// its own: a worker thread (whose loop the bench's spawnSync calls do not block) connects and
// pings the daemon every 20 ms. A ping is answered only when the daemon's loop gets to it, so the
// longest round trip of the pings in flight during a step bounds from below how long the loop was
// held (within the 20 ms gap). Each ping has its own connection: an open one would keep the
// daemon from its idle garbage collection, which starts a second after the last one closes.
import { setTimeout as sleep } from 'node:timers/promises';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { DaemonClient } from '../../src/cli/daemon-client.js';
import { resolvePaths } from '../../src/config/paths.js';
import { waitFor } from '../helpers/wait-for.js';

interface Sample {
  at: number;
  rtt: number;
  error?: string;
}

const GAP_MS = 20;
const ROLE = 'pm-loop-probe';

/** Epoch ms with sub-ms precision, the same in both threads. */
export const nowMs = (): number => performance.timeOrigin + performance.now();

export class LoopProbe {
  private readonly worker: Worker;
  private readonly samples: Sample[] = [];
  private failure: string | null = null;

  constructor(env: NodeJS.ProcessEnv) {
    this.worker = new Worker(new URL(import.meta.url), { workerData: { role: ROLE, env } });
    this.worker.on('message', (sample: Sample) => {
      if (sample.error) this.failure = sample.error;
      else this.samples.push(sample);
    });
    this.worker.on('error', (error) => {
      this.failure = error.message;
    });
  }

  /** No pings (and no connection) until resume(): for idle CPU and memory readings. */
  pause(): void {
    this.worker.postMessage('pause');
  }

  resume(): void {
    this.worker.postMessage('resume');
  }

  /** The longest round trip of the pings in flight during [from, to], once all of them are back;
   * null when the probe stopped (the daemon went away). */
  async maxDuring(from: number, to: number, timeoutMs: number): Promise<number | null> {
    await waitFor(() => this.failure !== null || this.samples.some((s) => s.at >= to), {
      timeoutMs,
      intervalMs: 50,
      message: 'a ping sent after the step',
    });
    const inFlight = this.samples.filter((s) => s.at <= to && s.at + s.rtt >= from);
    return inFlight.length === 0 ? null : Math.max(...inFlight.map((s) => s.rtt));
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

async function probe(env: NodeJS.ProcessEnv): Promise<void> {
  const paths = resolvePaths(env);
  let paused = false;
  parentPort!.on('message', (message: string) => {
    paused = message === 'pause';
  });
  for (;;) {
    if (paused) {
      await sleep(GAP_MS);
      continue;
    }
    const at = nowMs();
    try {
      const client = await DaemonClient.connect(paths, { autoStart: false });
      await client.request({ type: 'ping' });
      client.close();
    } catch (error) {
      parentPort!.postMessage({ at, rtt: -1, error: (error as Error).message });
      return;
    }
    parentPort!.postMessage({ at, rtt: nowMs() - at });
    await sleep(GAP_MS);
  }
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === ROLE) {
  await probe((workerData as { env: NodeJS.ProcessEnv }).env);
}
