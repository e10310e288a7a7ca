// The daemon entry: claim the socket, restore the pool from the state file (adopting processes
// that survived the previous daemon), serve requests, and shut down cleanly on `kill` or SIGTERM.
import fs from 'node:fs';
import type net from 'node:net';
import { DEFAULT_LOGS, METRICS_HISTORY_MS, START_WAIT_MS } from '../config/defaults.js';
import { ensureHome } from '../config/home.js';
import { writeNoFollow } from '../config/no-follow.js';
import { type PmPaths, resolvePaths } from '../config/paths.js';
import { isSocketLive } from '../ipc/socket-probe.js';
import {
  type CgroupHost,
  describeHost,
  detectCgroups,
  NO_CGROUPS,
  ownUnifiedCgroup,
} from '../isolation/cgroup-host.js';
import { watchDaemonLog } from '../logs/daemon-log.js';
import { EventLog } from '../logs/event-log.js';
import { createLogging, type Logging } from '../logs/logging.js';
import { removeStrayPipes } from '../logs/stray-pipes.js';
import { Monitor } from '../metrics/monitor.js';
import { createPrometheusEndpoint } from '../metrics/prometheus-endpoint.js';
import { UsageSampler } from '../metrics/sample-usage.js';
import { chooseProcBackend, describeBackend } from '../proc/choose-backend.js';
import { awakePipesWithin } from '../proc/own-fd-limit.js';
import { isPidAliveIn, type ProcBackend } from '../proc/proc-backend.js';
import type { DaemonSettings } from '../protocol/daemon-settings.js';
import { type PoolDeps, ProcessPool } from '../supervisor/process-pool.js';
import { CgroupService } from './cgroup-service.js';
import type { DaemonContext } from './context.js';
import { detachDaemon } from './detach.js';
import { EnvInterner } from './env-interner.js';
import { raiseFdLimit } from './fd-limit.js';
import { startLoopDelayMonitor } from './loop-delay.js';
import { Notices } from './notices.js';
import { createOrphanSweep } from './orphan-sweep.js';
import { PoolService } from './pool-service.js';
import { createServer } from './server.js';
import { ServiceList } from './services.js';
import { readMonitoringSettings, SettingsControl } from './settings-control.js';
import { shutdownDaemon } from './shutdown.js';
import { type DaemonState, StateStore } from './state-store.js';
import { createAlerts } from './watchers/alert-watch.js';
import { Autoscaler } from './watchers/autoscaler.js';
import { BreachWatch } from './watchers/breach-watch.js';
import { FileWatch } from './watchers/file-watch.js';
import { HealthWatch } from './watchers/health-watch.js';
import { LimitWatch } from './watchers/limit-watch.js';
import { Scheduler } from './watchers/scheduler.js';
import { createWorld } from './world.js';

/** How often the daemon's own log is checked against the size limit. */
const DAEMON_LOG_CHECK_MS = 60_000;

function log(message: string): void {
  process.stderr.write(`${new Date().toISOString()} ${message}\n`);
}

/** False when the pid file names a process that is gone or a zombie: a SIGKILLed daemon's threads may
 * still hold its socket open for a moment after its main thread died. */
function isPreviousDaemonAlive(pidFile: string, backend: ProcBackend): boolean {
  try {
    return isPidAliveIn(backend, Number(fs.readFileSync(pidFile, 'utf8').trim()));
  } catch {
    return true; // no pid file: a daemon may be starting; the socket says enough
  }
}

/** Whether the backend can count descriptors, found out once, when an app first asks for it. */
function canCountFds(backend: ProcBackend): () => boolean {
  let counts: boolean | null = null;
  return () => {
    counts ??= backend.countOpenFds([process.pid]) !== null;
    return counts;
  };
}

/** Tell the CLI that started us (cli/launch-daemon.ts) that the socket takes connections. */
function notifyReady(): void {
  const fd = Number(process.env.PM_READY_FD);
  delete process.env.PM_READY_FD;
  if (!Number.isInteger(fd) || fd < 3) return;
  try {
    fs.writeSync(fd, 'ready\n');
    fs.closeSync(fd);
  } catch {
    // The CLI stopped waiting; it finds the socket on its next command.
  }
}

function listen(server: net.Server, socketPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // The socket is created 0600: no window in which another user could connect.
    const previousUmask = process.umask(0o177);
    server.once('error', reject);
    server.listen(socketPath, () => {
      process.umask(previousUmask);
      server.off('error', reject);
      resolve();
    });
  });
}

function createPool(
  paths: PmPaths,
  events: EventLog,
  logging: Logging,
  cgroups: CgroupHost,
  backend: ProcBackend,
  state: Pick<PoolDeps, 'persist' | 'persistRecords'>,
): ProcessPool {
  return new ProcessPool({
    ...createWorld(paths.home, events, cgroups, backend),
    startWaitMs: START_WAIT_MS,
    createOutput: logging.createOutput,
    preparePipes: logging.preparePipes,
    makePipes: logging.makePipes,
    ...state,
  });
}

function createMonitor(
  pool: ProcessPool,
  settings: DaemonSettings,
  startedAt: number,
  backend: ProcBackend,
): Monitor {
  const monitor = new Monitor(pool, new UsageSampler(backend), {
    intervalMs: settings.metricsIntervalMs,
    historyWindowMs: METRICS_HISTORY_MS,
    startedAt,
    countOpenFds: (pids) => backend.countOpenFds(pids),
  });
  // Every `pm top` adds a listener to both.
  monitor.setMaxListeners(0);
  pool.setMaxListeners(0);
  return monitor;
}

async function main(): Promise<void> {
  // Node opens its inspector on 127.0.0.1:9229 at SIGUSR1 (log rotators send it), and any local
  // user could then run code as the daemon's user: a listener of our own keeps it closed.
  process.on('SIGUSR1', () => log('SIGUSR1 received: ignored (the inspector stays closed)'));
  const paths = resolvePaths();
  ensureHome(paths.home);
  for (const dir of [paths.logDir, paths.pipeDir]) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const backend = chooseProcBackend();
  if ((await isSocketLive(paths.socket)) && isPreviousDaemonAlive(paths.pidFile, backend)) {
    log('another daemon is already serving this PM_HOME; exiting');
    return;
  }
  fs.rmSync(paths.socket, { force: true });

  watchDaemonLog(paths.daemonLog, DEFAULT_LOGS, DAEMON_LOG_CHECK_MS);
  void raiseFdLimit(log);
  const startedAt = Date.now();
  const loopDelay = startLoopDelayMonitor();
  const events = new EventLog(paths.eventLog);
  const notices = new Notices();
  const logging = createLogging(paths, events, awakePipesWithin);
  log(`process table: ${describeBackend(backend)}`);
  // cgroups are Linux's, read and written beside /proc: the portable backend goes without them.
  // The store needs the pool's snapshot, the pool the store's write: the store comes next.
  const cgroups =
    backend.name === 'portable'
      ? NO_CGROUPS('the portable process backend runs without them')
      : detectCgroups({
          root: process.env.PM_CGROUP_ROOT || '/sys/fs/cgroup',
          home: paths.home,
          uid: process.getuid?.() ?? -1,
          ownCgroup: ownUnifiedCgroup(),
        });
  log(`isolation: ${describeHost(cgroups)}`);
  const pool = createPool(paths, events, logging, cgroups, backend, {
    persist: () => store.save(),
    persistRecords: (app, records) => store.record({ app, records }),
  });
  // Written only once the services run, by when `settings` exists.
  const store = new StateStore({
    file: paths.stateFile,
    snapshot: (): DaemonState => ({ pool: pool.snapshot(), settings: settings.snapshot() }),
    events,
    log,
  });
  const { state: saved, problems, movedTo, fromPrevious } = store.load();
  if (movedTo) {
    const restored = fromPrevious
      ? `the previous state (${store.previousFile})`
      : saved
        ? 'what did'
        : 'nothing';
    const message = `state file did not check out (${problems.join('; ')}); moved to ${movedTo}, restored ${restored}`;
    log(message);
    events.record({ type: 'state-invalid', severity: 'alert', message, data: { movedTo } });
    notices.add(message);
  }
  // The environment gives the defaults; what configs applied before wins over them.
  const defaults = readMonitoringSettings();
  const applied = saved?.settings ?? {};
  const monitor = createMonitor(pool, { ...defaults, ...applied }, startedAt, backend);
  const settings = new SettingsControl({
    defaults,
    applied,
    monitor,
    endpoint: createPrometheusEndpoint(pool, monitor),
    events,
    log,
    onChange: () => store.schedule(),
  });
  const poolService = new PoolService({
    pool,
    store,
    events,
    saved: saved?.pool ?? null,
    log,
    sweep: createOrphanSweep(paths.home, backend),
    notify: (text) => notices.add(text),
    sweepPipes: () =>
      removeStrayPipes(paths.pipeDir, new Set(pool.all().flatMap((p) => Object.values(p.output.paths.pipe)))),
  });
  const autoscaler = new Autoscaler(pool, monitor, events, { home: paths.home });
  const scheduler = new Scheduler(pool, events);
  // Started in this order; shutdown and detach both stop them in the reverse one.
  const services = new ServiceList([
    // Before the pool: adopting apps after a crash is itself an alert, and alerts raised while
    // the apps stop are still delivered.
    createAlerts(pool, events),
    // Before the pool's restore: a stray cgroup's processes go before any app starts; after its
    // stop: the cgroups are empty by then.
    new CgroupService({
      host: cgroups,
      saved: saved?.pool ?? null,
      events,
      log,
      notify: (t) => notices.add(t),
    }),
    poolService,
    monitor,
    // After the monitor, whose samples it decides on; stopped before it and before the pool.
    autoscaler,
    settings,
    new HealthWatch(pool, paths.home),
    new LimitWatch(pool, monitor, events),
    new BreachWatch(pool, monitor, events),
    scheduler,
    new FileWatch(pool, events, paths.home),
  ]);
  await services.start();

  let shuttingDown: Promise<number> | null = null;
  const ctx: DaemonContext = {
    pool,
    paths,
    events,
    logging,
    monitor,
    autoscaler,
    scheduler,
    settings,
    startedAt,
    loopDelay,
    notices,
    cgroups,
    procBackend: describeBackend(backend),
    limits: { cgroups, countsFds: canCountFds(backend) },
    envs: new EnvInterner(),
    flushState: () => store.flush(),
    shutdown: () => {
      shuttingDown ??= shutdownDaemon({ server, services, paths }).then(() => {
        // Let the reply to `kill` flush before the process goes.
        setTimeout(() => process.exit(0), 50).unref();
        return poolService.endedInstances;
      });
      return shuttingDown;
    },
  };
  const server = createServer(ctx);
  await listen(server, paths.socket);
  // Never through a link planted in the home.
  writeNoFollow(paths.pidFile, `${process.pid}\n`, 0o600);
  log(`daemon ${process.pid} listening on ${paths.socket}`);
  notifyReady();

  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void ctx.shutdown());
  process.on('SIGHUP', () => {});
  // `pm update`: let the apps run on for the next daemon to adopt.
  process.once('SIGUSR2', () => {
    detachDaemon({ server, services, pidFile: paths.pidFile }).then(
      () => process.exit(0),
      (error) => {
        // The apps still run: the next daemon adopts them from the last state written.
        log(`detach failed: ${(error as Error).stack ?? error}`);
        process.exit(1);
      },
    );
  });
  // A bug in one request must not take every app's supervisor down with it.
  process.on('uncaughtException', (error) => log(`uncaught exception: ${error.stack ?? error}`));
  process.on('unhandledRejection', (error) => log(`unhandled rejection: ${String(error)}`));
}

main().catch((error) => {
  // The stack for the log, then one line for the CLI that waits on us: it shows the log's last line.
  log(`${(error as Error).stack ?? error}`);
  log(`daemon failed to start: ${(error as Error).message ?? error}`);
  process.exit(2);
});
