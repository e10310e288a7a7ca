import type { PmPaths } from '../config/paths.js';
import type { CgroupHost } from '../isolation/cgroup-host.js';
import type { EventLog } from '../logs/event-log.js';
import type { Logging } from '../logs/logging.js';
import type { Monitor } from '../metrics/monitor.js';
import type { ProcessPool } from '../supervisor/process-pool.js';
import type { EnvInterner } from './env-interner.js';
import type { LimitHost } from './limit-check.js';
import type { LoopDelayMonitor } from './loop-delay.js';
import type { Notices } from './notices.js';
import type { SettingsControl } from './settings-control.js';
import type { Autoscaler } from './watchers/autoscaler.js';
import type { Scheduler } from './watchers/scheduler.js';

/** What request handlers may use. */
export interface DaemonContext {
  pool: ProcessPool;
  paths: PmPaths;
  events: EventLog;
  /** Live output lines for `pm logs --follow`. */
  logging: Logging;
  monitor: Monitor;
  /** Pooled apps' autoscaling, for `describe`. */
  autoscaler: Autoscaler;
  scheduler: Pick<Scheduler, 'info'>;
  /** The daemon-wide settings (metrics interval, Prometheus port). */
  settings: SettingsControl;
  startedAt: number;
  /** The event loop's delay since the start, for `ping`. */
  loopDelay: LoopDelayMonitor;
  /** Warnings for the next command (see notices.ts). */
  notices: Notices;
  /** One object per distinct app environment. */
  envs: EnvInterner;
  /** The cgroups instances get, or none and why. */
  cgroups: CgroupHost;
  /** Which process backend reads the process table (`pm ping`). */
  procBackend: string;
  /** What limits this host can enforce (cgroups, descriptor counts). */
  limits: LimitHost;
  /** Resolves once every change so far is in the state file. */
  flushState: () => Promise<void>;
  /** Stop every app, then exit once the current replies are sent. */
  shutdown: () => Promise<number>;
}
