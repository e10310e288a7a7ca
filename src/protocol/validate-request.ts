// Runtime validation of every incoming request frame, typed against messages.ts.
import {
  type AlertingSpec,
  type AppSpec,
  DEPENDENCY_CONDITIONS,
  type Dependency,
  type LimitsSpec,
  type ListenAddress,
  type LogSpec,
  MAX_LISTEN,
  type MonitoringSpec,
  type PoolSpec,
  type ProbeCheck,
  type ProbeSpec,
  type QueueCheck,
  type QueueSpec,
  type RecoveryPolicy,
  type RlimitsSpec,
  type RunAsSpec,
  type RunSpec,
  type ScheduleSpec,
  STOP_SIGNALS,
  type StopPolicy,
  type WatchSpec,
} from './app-spec.js';
import {
  array,
  bool,
  type Check,
  int,
  literal,
  nullable,
  num,
  object,
  optional,
  record,
  type ShapeOf,
  str,
} from './check.js';
import { type DaemonSettingsChange, MIN_METRICS_INTERVAL_MS } from './daemon-settings.js';
import { PmError } from './errors.js';
import { quoteText } from './escape-text.js';
import type { PoolBounds, RequestFrame, RequestOf, RequestType, ScaleChange } from './messages.js';
import { APP_NAME_PATTERN, type Target } from './target.js';

/** Only http:// and https:// URLs, as in a config file: a probe never reads files or other schemes. */
export const HTTP_URL_PATTERN = /^https?:\/\/\S+$/;

const httpUrl: Check<string> = (v, path) => {
  const url = str(v, path);
  if (!HTTP_URL_PATTERN.test(url))
    throw new PmError('bad-request', `${path}: ${quoteText(url, 80)} is not an http:// or https:// URL`);
  return url;
};

const appName: Check<string> = (v, path) => {
  const name = str(v, path);
  if (!APP_NAME_PATTERN.test(name))
    throw new PmError('bad-request', `${path}: ${quoteText(name, 80)} is not a valid app name`);
  return name;
};

const target: Check<Target> = (v, path) => {
  const { kind } = object({ kind: literal('all', 'name', 'id', 'instance') })(v, path);
  switch (kind) {
    case 'all':
      return { kind };
    case 'name':
      return { kind, ...object({ name: appName })(v, path) };
    case 'id':
      return { kind, ...object({ id: int() })(v, path) };
    case 'instance':
      return { kind, ...object({ name: appName, index: int() })(v, path) };
  }
};

const MAX_MS = 365 * 24 * 3600 * 1000;

const probeCheck: Check<ProbeCheck> = (v, path) => {
  const { type } = object({ type: literal('http', 'tcp', 'exec') })(v, path);
  switch (type) {
    case 'http':
      return { type, ...object({ url: str })(v, path) };
    case 'tcp':
      return { type, ...object({ host: str, port: int(1, 65535) })(v, path) };
    case 'exec':
      return { type, ...object({ command: str })(v, path) };
  }
};

const queueCheck: Check<QueueCheck> = (v, path) => {
  const { type } = object({ type: literal('http', 'exec') })(v, path);
  return type === 'http'
    ? { type, ...object({ url: httpUrl })(v, path) }
    : { type, ...object({ command: str })(v, path) };
};

const queue: Check<QueueSpec> = object({
  check: queueCheck,
  perInstance: int(1, 1_000_000_000),
  intervalMs: int(1, MAX_MS),
  timeoutMs: optional(int(1, MAX_MS)),
} satisfies ShapeOf<QueueSpec>);

const probe: Check<ProbeSpec> = object({
  kind: literal('liveness', 'readiness', 'startup'),
  check: probeCheck,
  intervalMs: int(1, MAX_MS),
  timeoutMs: int(1, MAX_MS),
  failureThreshold: int(1, 1000),
  successThreshold: int(1, 1000),
  startPeriodMs: int(0, MAX_MS),
} satisfies ShapeOf<ProbeSpec>);

export const appSpec: Check<AppSpec> = object({
  name: appName,
  run: object({ file: str, args: array(str), display: str } satisfies ShapeOf<RunSpec>),
  cwd: str,
  env: record(str),
  baseEnv: record(str),
  instances: int(0, 10_000),
  stop: object({
    signal: literal(...STOP_SIGNALS),
    killTimeoutMs: int(0, MAX_MS),
  } satisfies ShapeOf<StopPolicy>),
  recovery: object({
    autoRestart: literal('always', 'on-failure', 'never'),
    maxRestarts: int(0, 1_000_000),
    restartWindowMs: int(0, MAX_MS),
    minUptimeMs: int(0, MAX_MS),
    restartDelayMs: int(0, MAX_MS),
    backoffMaxMs: int(0, MAX_MS),
    stopExitCodes: array(int(0, 255)),
    retryAfterMs: int(0, MAX_MS),
  } satisfies ShapeOf<RecoveryPolicy>),
  limits: object({
    maxMemoryBytes: optional(int(1)),
    hardMemoryBytes: optional(int(1)),
    cpu: optional(num(0.01, 1024)),
    maxProcs: optional(int(1, 4_194_304)),
    maxFds: optional(int(1)),
    bestEffort: optional(bool),
  } satisfies ShapeOf<LimitsSpec>),
  health: array(probe, 16),
  logs: object({
    outFile: optional(str),
    errFile: optional(str),
    merge: bool,
    timestamps: bool,
    format: literal('text', 'json'),
    maxSizeBytes: int(0),
    maxFiles: int(0, 1000),
    compress: bool,
  } satisfies ShapeOf<LogSpec>),
  pool: optional(
    object({
      minSize: int(0, 10_000),
      maxSize: int(0, 10_000),
      idleTimeoutMs: int(0, MAX_MS),
      targetCpuPercent: int(1, 100_000),
      cooldownMs: int(0, MAX_MS),
      queue: optional(queue),
    } satisfies ShapeOf<PoolSpec>),
  ),
  monitoring: object({
    metricsCollection: bool,
    alerting: nullable(
      object({ webhook: optional(str), command: optional(str) } satisfies ShapeOf<AlertingSpec>),
    ),
  } satisfies ShapeOf<MonitoringSpec>),
  source: optional(str),
  runAs: optional(
    object({
      user: str,
      uid: int(0, 4_294_967_294),
      gid: int(0, 4_294_967_294),
      home: str,
    } satisfies ShapeOf<RunAsSpec>),
  ),
  umask: optional(int(0, 0o777)),
  rlimits: optional(
    object({
      nofile: optional(int(0)),
      nproc: optional(int(0)),
      core: optional(int(0)),
      memlock: optional(int(0)),
    } satisfies ShapeOf<RlimitsSpec>),
  ),
  envInherit: optional(bool),
  listen: optional(
    array(object({ host: nullable(str), port: int(0, 65_535) } satisfies ShapeOf<ListenAddress>), MAX_LISTEN),
  ),
  listenTimeoutMs: optional(int(0, MAX_MS)),
  waitReady: optional(bool),
  type: optional(literal('task')),
  watch: optional(
    object({
      paths: array(str, 1_000),
      ignore: array(str, 1_000),
      delayMs: int(0, MAX_MS),
    } satisfies ShapeOf<WatchSpec>),
  ),
  incrementVar: optional(str),
  schedule: optional(
    object({
      cron: str,
      action: literal('run', 'restart'),
      timezone: optional(str),
    } satisfies ShapeOf<ScheduleSpec>),
  ),
  dependsOn: optional(
    array(
      object({
        app: appName,
        condition: literal(...DEPENDENCY_CONDITIONS),
        restart: bool,
      } satisfies ShapeOf<Dependency>),
      1_000,
    ),
  ),
} satisfies ShapeOf<AppSpec>);

const metricsInterval: Check<number> = (v, path) => {
  const ms = int(0, MAX_MS)(v, path);
  if (ms > 0 && ms < MIN_METRICS_INTERVAL_MS)
    throw new PmError(
      'bad-request',
      `${path}: expected 0 or at least ${MIN_METRICS_INTERVAL_MS}, found ${ms}`,
    );
  return ms;
};

/** Also checks the settings a daemon reads back from its state file. */
export const daemonSettingsChange: Check<DaemonSettingsChange> = object({
  metricsIntervalMs: optional(metricsInterval),
  prometheusPort: optional(nullable(int(1, 65535))),
} satisfies ShapeOf<DaemonSettingsChange>);

const scaleChange: Check<ScaleChange> = object({
  mode: literal('set', 'add'),
  count: int(-10_000, 10_000),
});

type Payload<K extends RequestType> = Omit<RequestOf<K>, 'type'>;

const targeted = { target };

// The fields of each request, checked against its Request variant: a field added there without a
// check here does not compile.
const payloadFields: { [K in RequestType]: ShapeOf<Payload<K>> } = {
  hello: { protocolVersion: int() },
  apply: {
    apps: array(appSpec, 10_000),
    settings: optional(daemonSettingsChange),
    reload: optional(object({ parallel: int(1, 10_000) })),
    force: optional(bool),
  },
  start: targeted,
  stop: targeted,
  restart: targeted,
  reload: { target, parallel: int(1, 10_000) },
  delete: targeted,
  pause: targeted,
  reset: targeted,
  resume: targeted,
  scale: {
    name: appName,
    change: optional(scaleChange),
    bounds: optional(
      object({
        minSize: optional(int(0, 10_000)),
        maxSize: optional(int(1, 10_000)),
      } satisfies ShapeOf<PoolBounds>),
    ),
  },
  list: {},
  apps: {},
  describe: targeted,
  ping: {},
  kill: {},
  events: { lines: int(0, 1_000_000), follow: bool, sinceMs: optional(int()) },
  logs: {
    target,
    lines: int(0, 100_000),
    follow: bool,
    streams: array(literal('out', 'err'), 2),
    sinceMs: optional(int()),
    grep: optional(str),
  },
  flush: targeted,
  watch: {},
  metrics: {},
};

/** Returns the frame's id (null when it has none) so an error reply can still be correlated. */
export function frameId(value: unknown): number | null {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : null;
}

export function validateRequestFrame(value: unknown): RequestFrame {
  const { id, type } = object({ id: int(), type: str })(value, '');
  if (!Object.hasOwn(payloadFields, type))
    throw new PmError('bad-request', `unknown request type ${quoteText(type, 80)}`);
  const payload = object(payloadFields[type as RequestType])(value, '');
  return { ...payload, id, type } as RequestFrame;
}
