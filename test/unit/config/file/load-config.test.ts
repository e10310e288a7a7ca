import assert from 'node:assert/strict';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LOGS, DEFAULT_PROBE } from '../../../../src/config/defaults.js';
import { load, removeConfigs, writeConfig } from './temp-config.js';

const CONFIGS = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../../test/fixtures/configs',
);

afterEach(removeConfigs);

test("the seed's YAML block loads as a valid config with no apps", () => {
  assert.deepEqual(load(path.join(CONFIGS, 'seed.yaml')).apps, []);
});

test("the seed's block is the default of every app: recovery, pool and probe interval", () => {
  const seed = `process_management:
  pool: { min_size: 5, max_size: 50, idle_timeout: 300s }
  monitoring: { health_check_interval: 30s, metrics_collection: true, alerting: true }
  recovery: { auto_restart: true, max_restarts: 3, restart_delay: 10s }
apps:
  - name: web
    script: server.js
    health: { http: "http://127.0.0.1:3000/health" }
`;
  const [web] = load(writeConfig(seed)).apps;
  assert.equal(web?.recovery.autoRestart, 'always');
  assert.equal(web?.recovery.maxRestarts, 3);
  assert.equal(web?.recovery.restartDelayMs, 10_000);
  assert.deepEqual(web?.pool, {
    minSize: 5,
    maxSize: 50,
    idleTimeoutMs: 300_000,
    targetCpuPercent: 70,
    cooldownMs: 30_000,
  });
  assert.equal(web?.instances, 5, 'a pool starts with min_size instances');
  assert.equal(web?.health[0]?.intervalMs, 30_000);
  assert.deepEqual(web?.monitoring, { metricsCollection: true, alerting: {} });
});

test('an app overrides the defaults key by key, and instances: replaces the shared pool', () => {
  const file = writeConfig(`process_management:
  pool: { min_size: 2, max_size: 4 }
  recovery: { max_restarts: 3, restart_delay: 10s }
apps:
  - name: web
    script: server.js
    instances: 1
    recovery: { restart_delay: 1s, auto_restart: on-failure, stop_exit_codes: [0, 3] }
`);
  const [web] = load(file).apps;
  assert.equal(web?.recovery.maxRestarts, 3);
  assert.equal(web?.recovery.restartDelayMs, 1000);
  assert.equal(web?.recovery.autoRestart, 'on-failure');
  assert.deepEqual(web?.recovery.stopExitCodes, [0, 3]);
  assert.equal(web?.pool, undefined);
  assert.equal(web?.instances, 1);
});

test('cwd and log files are relative to the config file, the script to cwd', () => {
  const file = writeConfig(
    `apps:
  - name: api
    script: main.js
    cwd: ./api
    logs: { out_file: logs/api.out, max_size: 1M, max_files: 2, format: json }
`,
    { 'api/main.js': '' },
  );
  const dir = path.dirname(file);
  const [api] = load(file).apps;
  assert.equal(api?.cwd, path.join(dir, 'api'));
  assert.deepEqual(api?.run.args, [path.join(dir, 'api/main.js')]);
  assert.equal(api?.logs.outFile, path.join(dir, 'logs/api.out'));
  assert.equal(api?.logs.maxSizeBytes, 1024 * 1024);
  assert.equal(api?.logs.format, 'json');
  assert.equal(api?.logs.timestamps, DEFAULT_LOGS.timestamps);
  assert.equal(api?.source, file);
});

test('env_file, then env, then the selected env_<profile> set the environment', () => {
  const file = writeConfig(
    `apps:
  - name: web
    command: node server.js --port 3000
    env_file: .env
    env: { PORT: 3000, DEBUG: true, RATIO: 1.50 }
    env_production: { PORT: 80 }
    env_staging: { PORT: 8080 }
`,
    { '.env': '# comment\nexport SECRET="a \\"b\\""\nPORT=1\nNAME=\'literal $x\'\n' },
  );
  const [plain] = load(file).apps;
  assert.deepEqual(plain?.env, {
    SECRET: 'a "b"',
    NAME: 'literal $x',
    PORT: '3000',
    DEBUG: 'true',
    RATIO: '1.50',
  });
  const [production] = load(file, { profile: 'production' }).apps;
  assert.equal(production?.env.PORT, '80');
  assert.deepEqual(production?.run, {
    file: 'node',
    args: ['server.js', '--port', '3000'],
    display: 'node server.js --port 3000',
  });
});

test('health probes: http, tcp port, tcp host:port and exec, one or a list, with K8s-style defaults', () => {
  const file = writeConfig(`process_management:
  monitoring: { health_check_interval: 7s }
apps:
  - name: one
    script: server.js
    health: { tcp: 5432 }
  - name: many
    script: server.js
    health:
      - { http: "http://127.0.0.1:3000/ready", kind: readiness, interval: 1s, timeout: 500ms, start_period: 3s }
      - { tcp: "db.local:5432", failure_threshold: 5, success_threshold: 2 }
      - { exec: "test -f /tmp/ok" }
`);
  const [one, many] = load(file).apps;
  assert.deepEqual(one?.health, [
    {
      kind: 'liveness',
      check: { type: 'tcp', host: '127.0.0.1', port: 5432 },
      ...DEFAULT_PROBE,
      intervalMs: 7000,
    },
  ]);
  assert.deepEqual(
    many?.health.map((p) => [
      p.kind,
      p.check,
      p.intervalMs,
      p.timeoutMs,
      p.startPeriodMs,
      p.failureThreshold,
      p.successThreshold,
    ]),
    [
      ['readiness', { type: 'http', url: 'http://127.0.0.1:3000/ready' }, 1000, 500, 3000, 3, 1],
      ['liveness', { type: 'tcp', host: 'db.local', port: 5432 }, 7000, 2000, 0, 5, 2],
      ['liveness', { type: 'exec', command: 'test -f /tmp/ok' }, 7000, 2000, 0, 3, 1],
    ],
  );
});

test('a pool sets autoscaling bounds and starts min_size instances; max_size defaults to at least min_size', () => {
  const file = writeConfig(`apps:
  - name: worker
    script: server.js
    pool: { min_size: 3, idle_timeout: 1m, target_cpu: 150, cooldown: 10s }
`);
  const [worker] = load(file).apps;
  assert.deepEqual(worker?.pool, {
    minSize: 3,
    maxSize: 3,
    idleTimeoutMs: 60_000,
    targetCpuPercent: 150,
    cooldownMs: 10_000,
  });
  assert.equal(worker?.instances, 3);
});

test('stop, limits, args, interpreter and alerting sinks reach the AppSpec', () => {
  const file = writeConfig(
    `apps:
  - name: py
    script: job.py
    interpreter: python3
    args: --verbose --once
    stop: { signal: SIGINT, kill_timeout: 30s }
    limits: { max_memory: 1G }
    recovery: { auto_restart: false, backoff: 0, retry_after: 0, min_uptime: 2s, restart_window: 5m }
    monitoring: { metrics_collection: false, alerting: { webhook: "http://127.0.0.1:9/hook" } }
`,
    { 'job.py': '' },
  );
  const [py] = load(file).apps;
  assert.deepEqual(py?.run.args, [path.join(path.dirname(file), 'job.py'), '--verbose', '--once']);
  assert.equal(py?.run.file, 'python3');
  assert.deepEqual(py?.stop, { signal: 'SIGINT', killTimeoutMs: 30_000 });
  assert.deepEqual(py?.limits, { maxMemoryBytes: 1024 ** 3 });
  assert.equal(py?.recovery.autoRestart, 'never');
  assert.equal(py?.recovery.backoffMaxMs, 0);
  assert.equal(py?.recovery.retryAfterMs, 0);
  assert.equal(py?.recovery.minUptimeMs, 2000);
  assert.equal(py?.recovery.restartWindowMs, 300_000);
  assert.deepEqual(py?.monitoring, {
    metricsCollection: false,
    alerting: { webhook: 'http://127.0.0.1:9/hook' },
  });
});

test('retry_after takes a duration or never, as --retry-after does', () => {
  const file = writeConfig(
    `apps:
  - { name: a, command: sleep 1, recovery: { retry_after: never } }
  - { name: b, command: sleep 1, recovery: { retry_after: 10m } }
`,
  );
  const [a, b] = load(file).apps;
  assert.equal(a?.recovery.retryAfterMs, 0);
  assert.equal(b?.recovery.retryAfterMs, 600_000);
});

test('--only returns the named apps after checking the whole file', () => {
  const file = writeConfig(`apps:
  - { name: web, script: server.js }
  - { name: worker, script: server.js }
  - { name: cron, script: server.js }
`);
  assert.deepEqual(
    load(file, { only: ['cron', 'web'] }).apps.map((app) => app.name),
    ['web', 'cron'],
  );
});

test('YAML anchors and aliases are followed', () => {
  const file = writeConfig(`apps:
  - name: a
    script: server.js
    env: &shared { REGION: eu }
  - name: b
    script: server.js
    env: *shared
`);
  assert.deepEqual(
    load(file).apps.map((app) => app.env),
    [{ REGION: 'eu' }, { REGION: 'eu' }],
  );
});

test('the same file loads to equal specs twice, so that reconcile sees no change', () => {
  const file = path.join(CONFIGS, 'two-apps.yaml');
  assert.deepEqual(load(file), load(file));
});
