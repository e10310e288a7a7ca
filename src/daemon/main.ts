// The daemon entry: claim the socket, restore the pool from the state file (adopting processes
// that survived the previous daemon), serve requests, and shut down cleanly on `kill` or SIGTERM.
import fs from 'node:fs';
import type net from 'node:net';
import { DEFAULT_LOGS, START_WAIT_MS } from '../config/defaults.js';
import { ensureHome } from '../config/home.js';
import { type PmPaths, resolvePaths } from '../config/paths.js';
import { isSocketLive } from '../ipc/socket-probe.js';
import { watchDaemonLog } from '../logs/daemon-log.js';
import { EventLog } from '../logs/event-log.js';
import { createLogging, type Logging } from '../logs/logging.js';
import type { DaemonSettingsChange } from '../protocol/daemon-settings.js';
import { ExitPoller } from '../supervisor/exit-poller.js';
import { ProcessPool } from '../supervisor/process-pool.js';
import { isPidAlive } from '../supervisor/process-tree.js';
import { spawnInstance } from '../supervisor/spawn.js';
import { TreeReaper } from '../supervisor/tree-reaper.js';
import type { DaemonContext } from './context.js';
import { detachDaemon } from './detach.js';
import { HealthWatch } from './health-watch.js';
import { watchLimits } from './limit-watch.js';
import { createPrometheusEndpoint, readMonitoringSettings, startAlerts, startMonitor } from './monitoring.js';
import { createServer } from './server.js';
import { SettingsControl } from './settings-control.js';
import { type DaemonState, StateStore } from './state-store.js';

/** How often the daemon's own log is checked against the size limit. */
const DAEMON_LOG_CHECK_MS = 60_000;

function log(message: string): void {
  process.stderr.write(`${new Date().toISOString()} ${message}\n`);
}

/** False when the pid file names a process that is gone or a zombie: a SIGKILLed daemon's threads may
 * still hold its socket open for a moment after its main thread died. */
function isPreviousDaemonAlive(pidFile: string): boolean {
  try {
    return isPidAlive(Number(fs.readFileSync(pidFile, 'utf8').trim()));
  } catch {
    return true; // no pid file: a daemon may be starting; the socket says enough
  }
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

function createPool(paths: PmPaths, events: EventLog, logging: Logging): ProcessPool {
  return new ProcessPool({
    events,
    spawn: (options) => spawnInstance({ ...options, home: paths.home }),
    reaper: new TreeReaper(),
    exitPoller: new ExitPoller(),
    now: Date.now,
    startWaitMs: START_WAIT_MS,
    createOutput: logging.createOutput,
  });
}

async function main(): Promise<void> {
  const paths = resolvePaths();
  ensureHome(paths.home);
  for (const dir of [paths.logDir, paths.pipeDir]) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if ((await isSocketLive(paths.socket)) && isPreviousDaemonAlive(paths.pidFile)) {
    log('another daemon is already serving this PM_HOME; exiting');
    return;
  }
  fs.rmSync(paths.socket, { force: true });

  watchDaemonLog(paths.daemonLog, DEFAULT_LOGS, DAEMON_LOG_CHECK_MS);
  const events = new EventLog(paths.eventLog);
  const logging = createLogging(paths, events);
  const pool = createPool(paths, events, logging);
  const alerts = startAlerts(pool, events);
  let settings: SettingsControl | undefined;
  let savedSettings: DaemonSettingsChange = {};
  const store = new StateStore(
    paths.stateFile,
    (): DaemonState => ({
      pool: pool.snapshot(),
      // Until the monitor runs, the settings to keep are those read back.
      settings: settings?.snapshot() ?? savedSettings,
    }),
  );
  const saved = store.load();
  if (saved) {
    savedSettings = saved.settings;
    const { adopted, started } = pool.restore(saved.pool);
    log(`restored ${pool.instanceCount} instances: ${adopted} adopted, ${started} started`);
    events.record({
      type: 'daemon-started',
      severity: adopted + started > 0 ? 'alert' : 'info',
      message: `daemon ${process.pid} started; restored ${pool.instanceCount} instances: ${adopted} adopted, ${started} restarted`,
      data: { pid: process.pid, adopted, started },
    });
  } else {
    events.record({
      type: 'daemon-started',
      severity: 'info',
      message: `daemon ${process.pid} started`,
      data: { pid: process.pid },
    });
  }
  pool.on('change', () => store.schedule());
  store.writeNow();
  const startedAt = Date.now();
  // The environment gives the defaults; what configs applied before wins over them.
  const defaults = readMonitoringSettings();
  const monitor = startMonitor(pool, { ...defaults, ...savedSettings }, startedAt);
  settings = new SettingsControl({
    defaults,
    applied: savedSettings,
    monitor,
    endpoint: createPrometheusEndpoint(pool, monitor),
    events,
    log,
    onChange: () => store.schedule(),
  });
  await settings.start();
  const healthWatch = new HealthWatch(pool, paths.home);
  healthWatch.start();
  const stopLimits = watchLimits(pool, monitor, events);

  let shuttingDown: Promise<number> | null = null;
  const ctx: DaemonContext = {
    pool,
    paths,
    events,
    logging,
    monitor,
    settings,
    startedAt,
    shutdown: () => {
      shuttingDown ??= (async () => {
        server.close();
        monitor.stop();
        settings.stop();
        const stopped = await pool.stopAll();
        store.writeNow();
        events.record({
          type: 'daemon-stopped',
          severity: 'info',
          message: `daemon stopped (${stopped} instances stopped)`,
        });
        alerts.stop();
        fs.rmSync(paths.socket, { force: true });
        fs.rmSync(paths.pidFile, { force: true });
        // Let the reply to `kill` flush before the process goes.
        setTimeout(() => process.exit(0), 50).unref();
        return stopped;
      })();
      return shuttingDown;
    },
  };
  const server = createServer(ctx);
  await listen(server, paths.socket);
  fs.writeFileSync(paths.pidFile, `${process.pid}\n`, { mode: 0o600 });
  log(`daemon ${process.pid} listening on ${paths.socket}`);
  notifyReady();

  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void ctx.shutdown());
  process.on('SIGHUP', () => {});
  // `pm update`: let the apps run on for the next daemon to adopt.
  process.once('SIGUSR2', () => {
    const stopServices = () => {
      monitor.stop();
      settings.stop();
      alerts.stop();
      healthWatch.stop();
      stopLimits();
    };
    detachDaemon({ server, pool, store, events, pidFile: paths.pidFile, stopServices }).then(
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
