// Start the daemon on demand. proper-lockfile serializes concurrent CLIs, so ten commands started
// at once against a fresh home end with exactly one daemon, and all ten succeed.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import lockfile from 'proper-lockfile';
import { ensureHome } from '../config/home.js';
import { openAppendNoFollow } from '../config/no-follow.js';
import type { PmPaths } from '../config/paths.js';
import { BUNDLE_LOADER, DAEMON_ENTRY, packageRoot } from '../installed-package.js';
import { isSocketLive } from '../ipc/socket-probe.js';
import { PmError } from '../protocol/errors.js';

const START_TIMEOUT_MS = 10_000;

/** The daemon waits on sockets, pipes and timers: V8's optimizing and baseline compilers buy it no
 * measurable time (log throughput and idle CPU are unchanged) but cost 4-5 MB of resident memory; a
 * young generation capped at 1 MB per semispace does not grow by megabytes in a burst of commands
 * and stay so; and an idle daemon gives garbage back at once rather than seconds later
 * (daemon/idle-gc.ts; docs/performance.md). */
const DAEMON_NODE_FLAGS = [
  '--no-opt',
  '--no-sparkplug',
  '--max-semi-space-size=1',
  '--gc-memory-reducer-start-delay-ms=1000',
  '--expose-gc',
];

/** The daemon ends its log with one line that says why it stopped. */
function lastLine(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').at(-1) ?? '';
  } catch {
    return '';
  }
}

/** The daemon writes a line on this fd once it listens: no polling, no gap between ready and noticed. */
const READY_FD = 3;

function notStarted(paths: PmPaths): PmError {
  return new PmError(
    'daemon-unavailable',
    `the daemon did not start (see ${paths.daemonLog}): ${lastLine(paths.daemonLog) || 'no output'}`,
  );
}

/** Resolves when the daemon reports that it listens. */
async function waitForReady(child: ChildProcess, paths: PmPaths): Promise<void> {
  const ready = child.stdio[READY_FD] as Readable;
  let timer: NodeJS.Timeout | undefined;
  const started = await new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), START_TIMEOUT_MS);
    ready.once('data', () => resolve(true));
    ready.on('error', () => {}); // a daemon closing its end early is told by its exit
    // A daemon that exits first may have found another one serving the socket: one started
    // outside our lock, e.g. by systemd.
    child.once('exit', () => void isSocketLive(paths.socket).then(resolve));
  });
  clearTimeout(timer);
  ready.destroy();
  child.unref();
  if (!started) throw notStarted(paths);
}

/** The daemon needs to write in its home: a read-only one gets what and how to fix, not EACCES. */
function unwritableHome(paths: PmPaths, error: unknown): PmError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return new PmError(
    'bad-request',
    `cannot start the daemon: PM_HOME ${paths.home} is not writable (${code}); the daemon keeps its socket, state and logs there: make it writable, or set PM_HOME to a writable directory`,
    { cause: error },
  );
}

const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT']);

export async function launchDaemon(paths: PmPaths): Promise<void> {
  ensureHome(paths.home);
  const release = await lockfile
    .lock(paths.startLock, {
      realpath: false,
      stale: 5000,
      retries: { retries: 400, minTimeout: 10, maxTimeout: 50, factor: 1.2 },
    })
    .catch((error: NodeJS.ErrnoException) => {
      throw UNWRITABLE.has(error.code ?? '') ? unwritableHome(paths, error) : error;
    });
  try {
    if (await isSocketLive(paths.socket)) return;
    // Never through a link planted in the home.
    const logFd = openAppendNoFollow(paths.daemonLog, 0o600);
    const root = packageRoot();
    const entry = [path.join(root, BUNDLE_LOADER), path.join(root, DAEMON_ENTRY)];
    const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, ...entry], {
      detached: true,
      stdio: ['ignore', logFd, logFd, 'pipe'],
      cwd: paths.home,
      // The daemon finds its home in PM_HOME: it must serve the home we wait on, which a caller
      // may have chosen without setting our own environment (e.g. an in-process test client).
      env: { ...process.env, PM_HOME: paths.home, PM_READY_FD: String(READY_FD) },
    });
    fs.closeSync(logFd);
    await waitForReady(child, paths);
  } finally {
    await release();
  }
}
