// Start the daemon on demand. proper-lockfile serializes concurrent CLIs, so ten commands started
// at once against a fresh home end with exactly one daemon, and all ten succeed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { ensureHome } from '../config/home.js';
import type { PmPaths } from '../config/paths.js';
import { PmError } from '../protocol/errors.js';
import { isSocketLive } from '../protocol/socket-probe.js';
import { DAEMON_ENTRY, packageRoot } from '../protocol/version.js';

const START_TIMEOUT_MS = 10_000;

/** The daemon waits on sockets, pipes and timers: V8's optimizing and baseline compilers buy it no
 * measurable time (log throughput and idle CPU are unchanged) but cost 4-5 MB of resident memory
 * (docs/performance.md). */
const DAEMON_NODE_FLAGS = ['--no-opt', '--no-sparkplug', '--gc-memory-reducer-start-delay-ms=1000'];

function lastLines(file: string, count: number): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count).join(' | ');
  } catch {
    return '';
  }
}

async function waitForSocket(paths: PmPaths, exited: () => number | null): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await isSocketLive(paths.socket)) return;
    if (exited() !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new PmError(
    'daemon-unavailable',
    `the daemon did not start (see ${paths.daemonLog}): ${lastLines(paths.daemonLog, 2) || 'no output'}`,
  );
}

export async function launchDaemon(paths: PmPaths): Promise<void> {
  ensureHome(paths.home);
  const release = await lockfile.lock(paths.startLock, {
    realpath: false,
    stale: 5000,
    retries: { retries: 400, minTimeout: 10, maxTimeout: 50, factor: 1.2 },
  });
  try {
    if (await isSocketLive(paths.socket)) return;
    const logFd = fs.openSync(paths.daemonLog, 'a', 0o600);
    const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, path.join(packageRoot(), DAEMON_ENTRY)], {
      detached: true,
      stdio: ['ignore', logFd, logFd],
      cwd: paths.home,
      // The daemon finds its home in PM_HOME: it must serve the home we wait on, which a caller
      // may have chosen without setting our own environment (e.g. an in-process test client).
      env: { ...process.env, PM_HOME: paths.home },
    });
    fs.closeSync(logFd);
    let exitCode: number | null = null;
    child.once('exit', (code) => {
      exitCode = code ?? 1;
    });
    child.unref();
    await waitForSocket(paths, () => exitCode);
  } finally {
    await release();
  }
}
