import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_LOGS, DEFAULT_RECOVERY } from '../../../../src/config/defaults.js';
import { exportSystemd } from '../../../../src/export/systemd/export-systemd.js';
import type { AppSpec } from '../../../../src/protocol/app-spec.js';
import { parseUnit } from '../../cli/commands/parse-unit.js';
import { appSpec } from './spec-fixture.js';
import { noSystemdAnalyze, verifyUnits } from './verify-units.js';

const system = { user: false, file: '/srv/pm.yaml' };
const exported = (apps: AppSpec[], options = system) => exportSystemd(apps, options);

/** The unit named `name` of the export, parsed. */
function unit(apps: AppSpec[], name: string, options = system) {
  const file = exported(apps, options).files.find((out) => out.name === name);
  assert.ok(file, `no ${name} in the export`);
  return parseUnit(file.content);
}

const DAEMON = { user: 'daemon', uid: 1, gid: 1, home: '/usr/sbin' };

// Each case is also checked by systemd-analyze verify below.
const CASES: Record<string, AppSpec[]> = {
  service: [appSpec({ env: { PORT: '3000', GREETING: 'hello "world" $USER 100%' } })],
  template: [appSpec({ instances: 3, env: { PORT: '3000' }, incrementVar: 'PORT' })],
  task: [appSpec({ type: 'task', recovery: { ...DEFAULT_RECOVERY, autoRestart: 'on-failure' } })],
  limits: [
    appSpec({
      limits: { hardMemoryBytes: 512 * 1024 ** 2, cpu: 1.5, maxProcs: 64 },
      runAs: DAEMON,
      umask: 0o27,
      rlimits: { nofile: 4096, nproc: 100, core: 0, memlock: 65536 },
      recovery: { ...DEFAULT_RECOVERY, stopExitCodes: [3, 4] },
      stop: { signal: 'SIGINT', killTimeoutMs: 1500 },
    }),
  ],
  scheduled: [
    appSpec({
      name: 'backup',
      type: 'task',
      schedule: { cron: '0 3 * * *', action: 'run', timezone: 'Europe/Paris' },
    }),
    appSpec({ schedule: { cron: '0 4 * * 0', action: 'restart' } }),
  ],
  listen: [
    appSpec({ listen: [{ host: null, port: 3000 }] }),
    appSpec({
      name: 'api',
      listen: [
        { host: '127.0.0.1', port: 4000 },
        { host: '::1', port: 4000 },
        { host: null, port: 4001 },
      ],
    }),
    appSpec({ name: 'pool', instances: 2, listen: [{ host: null, port: 5000 }] }),
  ],
  workflow: [
    appSpec({ name: 'db' }),
    appSpec({
      name: 'migrate',
      type: 'task',
      dependsOn: [{ app: 'db', condition: 'healthy', restart: false }],
    }),
    appSpec({
      name: 'web',
      instances: 2,
      dependsOn: [{ app: 'migrate', condition: 'completed_successfully', restart: false }],
    }),
    appSpec({ name: 'worker', dependsOn: [{ app: 'web', condition: 'started', restart: true }] }),
  ],
};

test('a service: ExecStart, WorkingDirectory, its env (escaped) and pm instance variables, restarted always', () => {
  const { Unit, Service, Install } = unit(CASES.service!, 'web.service');
  assert.deepEqual(Service?.ExecStart, ['/bin/sleep 1000']);
  assert.deepEqual(Service?.WorkingDirectory, ['/tmp']);
  assert.deepEqual(Service?.Environment, [
    'PM_APP_NAME=web PM_INSTANCE=0 NODE_APP_INSTANCE=0',
    'PORT=3000',
    '"GREETING=hello \\"world\\" $USER 100%%"',
  ]);
  assert.deepEqual(Service?.Type, ['exec']);
  assert.deepEqual(Service?.Restart, ['always']);
  assert.deepEqual(Service?.RestartSec, ['0s']);
  assert.deepEqual(Unit?.StartLimitBurst, ['16'], 'max_restarts 15 restarts are 16 starts');
  assert.deepEqual(Unit?.StartLimitIntervalSec, ['60s']);
  assert.deepEqual(Service?.KillMode, ['control-group']);
  assert.deepEqual(Install?.WantedBy, ['multi-user.target']);
});

test("the shell's environment (baseEnv) is never exported", () => {
  const text = exported(CASES.service!)
    .files.map((file) => file.content)
    .join('\n');
  assert.doesNotMatch(text, /SECRET_OF_THE_SHELL/);
});

test('several instances: a template unit, %i as the index, increment_var computed by a small shell', () => {
  const { files } = exported(CASES.template!);
  assert.deepEqual(
    files.map((file) => file.name),
    ['web@.service'],
  );
  assert.match(files[0]!.content, /enable --now web@\{0\.\.2\}/);
  const { Service } = parseUnit(files[0]!.content);
  assert.equal(Service?.Environment?.[0], 'PM_APP_NAME=web PM_INSTANCE=%i NODE_APP_INSTANCE=%i');
  assert.deepEqual(Service?.ExecStart, [
    '/bin/sh -c "PORT=$$((3000 + %i)); export PORT; exec \\"$$0\\" \\"$$@\\"" /bin/sleep 1000',
  ]);
});

test('a task is a oneshot, never timed out, restarted on failure only', () => {
  const { Service } = unit(CASES.task!, 'web.service');
  assert.deepEqual(Service?.Type, ['oneshot']);
  assert.deepEqual(Service?.RemainAfterExit, ['no']);
  assert.deepEqual(Service?.TimeoutStartSec, ['infinity']);
  assert.deepEqual(Service?.Restart, ['on-failure']);
  const always = exported([appSpec({ type: 'task' })]);
  assert.match(always.report.join('\n'), /web: recovery.auto_restart: always on a task: Restart=on-failure/);
});

test('limits, identity, rlimits, stop and stop_exit_codes', () => {
  const { Service } = unit(CASES.limits!, 'web.service');
  assert.deepEqual(Service?.MemoryMax, [String(512 * 1024 ** 2)]);
  assert.deepEqual(Service?.CPUQuota, ['150%']);
  assert.deepEqual(Service?.TasksMax, ['64']);
  assert.deepEqual(Service?.User, ['daemon']);
  assert.deepEqual(Service?.Group, ['daemon'], 'the group by its name');
  assert.deepEqual(Service?.UMask, ['0027']);
  assert.deepEqual(
    [Service?.LimitNOFILE, Service?.LimitNPROC, Service?.LimitCORE, Service?.LimitMEMLOCK],
    [['4096'], ['100'], ['0'], ['65536']],
  );
  assert.deepEqual(Service?.SuccessExitStatus, ['3 4']);
  assert.deepEqual(Service?.RestartPreventExitStatus, ['3 4']);
  assert.deepEqual(Service?.KillSignal, ['SIGINT']);
  assert.deepEqual(Service?.TimeoutStopSec, ['1500ms']);
});

test('--user: default.target, and User=/Group= reported instead of written', () => {
  const options = { user: true, file: '/srv/pm.yaml' };
  const { Service, Install } = unit(CASES.limits!, 'web.service', options);
  assert.equal(Service?.User, undefined);
  assert.equal(Service?.Group, undefined);
  assert.deepEqual(Install?.WantedBy, ['default.target']);
  assert.match(
    exported(CASES.limits!, options).report.join('\n'),
    /web: user: user units run as their owner/,
  );
});

test('cron: a timer starts the task (which is not enabled itself); cron_restart: a timer and a oneshot restart', () => {
  const apps = CASES.scheduled!;
  assert.deepEqual(
    exported(apps).files.map((file) => file.name),
    ['backup.service', 'backup.timer', 'web.service', 'web-restart.timer', 'web-restart.service'],
  );
  assert.equal(unit(apps, 'backup.service').Install, undefined);
  assert.deepEqual(unit(apps, 'backup.timer').Timer?.OnCalendar, ['*-*-* 03:00:00 Europe/Paris']);
  assert.deepEqual(unit(apps, 'web-restart.timer').Timer?.OnCalendar, ['Sun *-*-* 04:00:00']);
  assert.deepEqual(unit(apps, 'web-restart.service').Service?.ExecStart, [
    '/bin/systemctl restart web.service',
  ]);
  const user = { user: true, file: '/srv/pm.yaml' };
  assert.deepEqual(unit(apps, 'web-restart.service', user).Service?.ExecStart, [
    '/bin/systemctl --user restart web.service',
  ]);
});

test('a cron expression systemd cannot say is reported, and no timer is written', () => {
  const { files, report } = exported([
    appSpec({ type: 'task', schedule: { cron: '0 0 * * 5#2', action: 'run' } }),
  ]);
  assert.deepEqual(
    files.map((file) => file.name),
    ['web.service'],
  );
  assert.match(report.join('\n'), /web: cron: "0 0 \* \* 5#2": .* no timer written/);
});

test('listen: one socket unit per port, named by its port, and Sockets= on the service', () => {
  const apps = CASES.listen!;
  const socket = unit(apps, 'web.socket');
  assert.deepEqual(socket.Socket?.ListenStream, ['3000']);
  assert.deepEqual(socket.Socket?.FileDescriptorName, ['3000']);
  const web = unit(apps, 'web.service');
  assert.deepEqual(web.Service?.Sockets, ['web.socket']);
  assert.deepEqual(web.Unit?.Requires, ['web.socket']);
  assert.match(web.Service?.Environment?.join('\n') ?? '', /NODE_OPTIONS=--require .*node-preload\.cjs/);
  assert.deepEqual(unit(apps, 'api-4000.socket').Socket?.ListenStream, ['127.0.0.1:4000', '[::1]:4000']);
  assert.deepEqual(unit(apps, 'api-4001.socket').Socket?.Service, ['api.service']);
  assert.deepEqual(unit(apps, 'api.service').Service?.Sockets, ['api-4000.socket api-4001.socket']);
  const shared = unit(apps, 'pool.socket');
  assert.deepEqual([shared.Socket?.Accept, shared.Socket?.Service], [['no'], ['pool@0.service']]);
  assert.match(exported(apps).report.join('\n'), /pool: listen: one socket shared by every instance/);
});

test('depends_on: After= and Requires= of every unit of the dependency, healthy reported, restart as PartOf=', () => {
  const apps = CASES.workflow!;
  const migrate = unit(apps, 'migrate.service');
  assert.deepEqual([migrate.Unit?.After, migrate.Unit?.Requires], [['db.service'], ['db.service']]);
  const web = unit(apps, 'web@.service');
  assert.deepEqual(web.Unit?.Requires, ['migrate.service']);
  const worker = unit(apps, 'worker.service');
  assert.deepEqual(worker.Unit?.After, ['web@0.service web@1.service']);
  assert.deepEqual(worker.Unit?.PartOf, ['web@0.service web@1.service']);
  const report = exported(apps).report.join('\n');
  assert.match(report, /migrate: depends_on.db: healthy: systemd orders on start/);
  assert.doesNotMatch(report, /web: depends_on/, 'completed_successfully on a oneshot is exact');
});

test('what has no equivalent is reported, one line per key', () => {
  const { report } = exported([
    appSpec({
      limits: { maxMemoryBytes: 1e8, maxFds: 100 },
      health: [
        {
          kind: 'liveness',
          check: { type: 'tcp', host: '127.0.0.1', port: 1 },
          intervalMs: 1000,
          timeoutMs: 1000,
          failureThreshold: 3,
          successThreshold: 1,
          startPeriodMs: 0,
        },
      ],
      logs: { ...DEFAULT_LOGS, maxFiles: 2 },
      watch: { paths: [], ignore: [], delayMs: 500 },
      waitReady: true,
      listenTimeoutMs: 10_000,
      monitoring: { metricsCollection: true, alerting: { webhook: 'http://127.0.0.1:9/' } },
      recovery: { ...DEFAULT_RECOVERY, backoffMaxMs: 5000 },
    }),
  ]);
  const keys = report.map((line) => line.split(': ')[1]);
  assert.deepEqual(keys, [
    'recovery.backoff',
    'limits.max_memory',
    'limits.max_fds',
    'health',
    'logs.max_files',
    'monitoring.alerting',
    'watch',
    'wait_ready',
    'listen_timeout',
  ]);
  assert.match(report[0]!, /RestartSteps=5 and RestartMaxDelaySec=5s/);
  assert.match(report[3]!, /WatchdogSec=/);
});

// One change per key of AppSpec, away from the fixture's value: the export must differ (a unit line
// or a report line). A Record over keyof AppSpec: a new key does not compile until it is added here.
const CHANGES: Record<keyof AppSpec, Partial<AppSpec> | 'not a setting'> = {
  name: { name: 'api' },
  run: { run: { file: '/bin/sleep', args: ['5'], display: 'sleep 5' } },
  cwd: { cwd: '/' },
  env: { env: { A: '1' } },
  baseEnv: 'not a setting', // the shell's environment when the config was read: never exported
  instances: { instances: 2 },
  stop: { stop: { signal: 'SIGHUP', killTimeoutMs: 5000 } },
  recovery: { recovery: { ...DEFAULT_RECOVERY, minUptimeMs: 5000 } },
  limits: { limits: { maxFds: 10 } },
  health: {
    health: [
      {
        kind: 'readiness',
        check: { type: 'exec', command: 'true' },
        intervalMs: 1000,
        timeoutMs: 1000,
        failureThreshold: 1,
        successThreshold: 1,
        startPeriodMs: 0,
      },
    ],
  },
  logs: { logs: { ...DEFAULT_LOGS, outFile: '/var/log/web.log' } },
  pool: { pool: { minSize: 1, maxSize: 4, idleTimeoutMs: 1000, targetCpuPercent: 50, cooldownMs: 1000 } },
  monitoring: { monitoring: { metricsCollection: true, alerting: { command: 'logger' } } },
  source: 'not a setting', // the config's path: the header names options.file
  runAs: { runAs: DAEMON },
  umask: { umask: 0o77 },
  rlimits: { rlimits: { nofile: 10 } },
  envInherit: { envInherit: false },
  listen: { listen: [{ host: null, port: 8080 }] },
  listenTimeoutMs: { listenTimeoutMs: 60_000 },
  waitReady: { waitReady: true },
  type: { type: 'task' },
  dependsOn: { dependsOn: [{ app: 'db', condition: 'started', restart: false }] },
  schedule: { schedule: { cron: '0 4 * * *', action: 'restart' } },
  watch: { watch: { paths: ['src'], ignore: [], delayMs: 500 } },
  incrementVar: { incrementVar: 'PORT', instances: 2, env: { PORT: '3000' } },
};

for (const [key, change] of Object.entries(CHANGES)) {
  test(`AppSpec.${key} is mapped or reported`, {
    skip: change === 'not a setting' ? 'not a setting' : false,
  }, () => {
    if (change === 'not a setting') return;
    const before = exported([appSpec()]);
    const base =
      key === 'incrementVar' ? exported([appSpec({ instances: 2, env: { PORT: '3000' } })]) : before;
    assert.notDeepEqual(exported([appSpec(change)]), base);
  });
}

for (const [name, apps] of Object.entries(CASES)) {
  for (const user of [false, true]) {
    test(`systemd-analyze verify accepts the units of "${name}"${user ? ' (--user)' : ''}`, {
      skip: noSystemdAnalyze,
    }, () => {
      assert.deepEqual(verifyUnits(exported(apps, { user, file: '/srv/pm.yaml' }).files), []);
    });
  }
}
