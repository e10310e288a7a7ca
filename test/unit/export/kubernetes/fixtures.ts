// AppSpecs for the exporter's tests: pm's defaults, so that each test names only what it sets.

import { DEFAULT_LOGS } from '../../../../src/config/defaults.js';
import { type KubernetesOptions, mapApp } from '../../../../src/export/kubernetes/export-kubernetes.js';
import type { Manifest } from '../../../../src/export/kubernetes/manifest.js';
import type { AppSpec } from '../../../../src/protocol/app-spec.js';
import { specWithDefaults } from '../../../helpers/app-spec.js';

export function specOf(overrides: Partial<AppSpec> = {}): AppSpec {
  return specWithDefaults({
    run: { file: '/usr/bin/node', args: ['/srv/web/server.js'], display: 'server.js' },
    cwd: '/srv/web',
    baseEnv: { PATH: '/usr/bin', HOME: '/root' },
    ...overrides,
  });
}

/** The objects and report of one app, exported beside `others` (the apps it may depend on). */
export function exportOne(
  spec: AppSpec,
  others: AppSpec[] = [],
  options: Omit<KubernetesOptions, 'file'> = { image: 'example/web:1' },
): { objects: Manifest[]; report: string[] } {
  const apps = new Map([spec, ...others].map((app) => [app.name, app]));
  return mapApp(spec, apps, options);
}

export function objectOf(objects: Manifest[], kind: string): Manifest {
  const found = objects.find((object) => object.kind === kind);
  if (!found) throw new Error(`no ${kind} among ${objects.map((object) => object.kind).join(', ')}`);
  return found;
}

// biome-ignore lint/suspicious/noExplicitAny: tests walk into the manifests' free-form specs
export type Loose = any;

/** The pod spec of a Deployment, a Job or a CronJob. */
export function podOf(objects: Manifest[]): Loose {
  const workload: Loose = objects[0]!.spec;
  return (workload.jobTemplate?.spec ?? workload).template.spec;
}

/** Every setting of the exporter's tests at once: each key set, none at its default. */
export const EVERY_KEY: AppSpec = specOf({
  name: 'api',
  run: { file: '/usr/local/bin/api', args: ['--port', '8080'], display: 'api --port 8080' },
  cwd: '/srv/api',
  env: { LOG_LEVEL: 'debug' },
  instances: 3,
  stop: { signal: 'SIGINT', killTimeoutMs: 12_500 },
  recovery: {
    autoRestart: 'on-failure',
    maxRestarts: 4,
    restartWindowMs: 30_000,
    minUptimeMs: 5000,
    restartDelayMs: 200,
    backoffMaxMs: 0,
    stopExitCodes: [3],
    retryAfterMs: 0,
  },
  limits: {
    maxMemoryBytes: 512 * 1024 ** 2,
    hardMemoryBytes: 1024 ** 3,
    cpu: 0.5,
    maxProcs: 64,
    maxFds: 1024,
    bestEffort: true,
  },
  health: [
    {
      kind: 'liveness',
      check: { type: 'http', url: 'http://127.0.0.1:8080/live?full=1' },
      intervalMs: 10_000,
      timeoutMs: 3000,
      failureThreshold: 5,
      successThreshold: 2,
      startPeriodMs: 15_000,
    },
    {
      kind: 'readiness',
      check: { type: 'tcp', host: '127.0.0.1', port: 8080 },
      intervalMs: 5000,
      timeoutMs: 1000,
      failureThreshold: 2,
      successThreshold: 2,
      startPeriodMs: 0,
    },
    {
      kind: 'startup',
      check: { type: 'exec', command: 'test -f /tmp/up' },
      intervalMs: 1000,
      timeoutMs: 1000,
      failureThreshold: 30,
      successThreshold: 1,
      startPeriodMs: 0,
    },
  ],
  logs: {
    ...DEFAULT_LOGS,
    outFile: '/var/log/api.out',
    errFile: '/var/log/api.err',
    merge: true,
    timestamps: false,
    format: 'json',
    maxSizeBytes: 1024,
    maxFiles: 2,
    compress: true,
  },
  pool: {
    minSize: 2,
    maxSize: 6,
    idleTimeoutMs: 120_000,
    targetCpuPercent: 60,
    cooldownMs: 10_000,
    queue: { check: { type: 'exec', command: 'redis-cli llen jobs' }, perInstance: 10, intervalMs: 5000 },
  },
  monitoring: { metricsCollection: false, alerting: { webhook: 'https://alerts.example/hook' } },
  source: '/srv/pm.yaml',
  runAs: { user: 'app', uid: 1001, gid: 1001, home: '/home/app' },
  umask: 0o027,
  rlimits: { nofile: 4096 },
  envInherit: false,
  listen: [{ host: null, port: 8080 }],
  listenTimeoutMs: 10_000,
  waitReady: true,
  dependsOn: [{ app: 'db', condition: 'healthy', restart: true }],
  schedule: { cron: '0 3 * * *', action: 'restart', timezone: 'Europe/Paris' },
  watch: { paths: ['src'], ignore: [], delayMs: 500 },
  incrementVar: 'PORT',
});

export const DB: AppSpec = specOf({ name: 'db', listen: [{ host: null, port: 5432 }] });
