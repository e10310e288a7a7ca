// The mapping of an app, one concern per test: what each AppSpec key becomes, and what is reported.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_POOL } from '../../../../src/config/defaults.js';
import { DB, EVERY_KEY, exportOne, type Loose, objectOf, podOf, specOf } from './fixtures.js';

const probe = {
  intervalMs: 5000,
  timeoutMs: 2000,
  failureThreshold: 3,
  successThreshold: 1,
  startPeriodMs: 2000,
} as const;

test('replicas are instances:, which a pool starts with', () => {
  const rows = [
    { spec: specOf({ instances: 3 }), replicas: 3 },
    { spec: specOf({ instances: 2, pool: { ...DEFAULT_POOL, minSize: 2, maxSize: 5 } }), replicas: 2 },
  ];
  for (const { spec, replicas } of rows) {
    const deployment: Loose = objectOf(exportOne(spec).objects, 'Deployment').spec;
    assert.equal(deployment.replicas, replicas);
  }
});

test('the container runs run.file with run.args in cwd, with env: and not the shell environment', () => {
  const spec = specOf({ env: { PORT: '3000' } });
  const [container] = podOf(exportOne(spec).objects).containers;
  assert.deepEqual(container.command, ['/usr/bin/node']);
  assert.deepEqual(container.args, ['/srv/web/server.js']);
  assert.equal(container.workingDir, '/srv/web');
  assert.deepEqual(container.env, [{ name: 'PORT', value: '3000' }]);
  assert.equal(container.image, 'example/web:1');
});

test('without --image the image is a placeholder, and the report says so', () => {
  const { objects, report } = exportOne(specOf(), [], {});
  assert.equal(podOf(objects).containers[0].image, 'REPLACE-ME/web:latest');
  assert.match(report.join('\n'), /^web: image: .*--image/m);
});

test('probes: http, tcp and exec, in whole seconds, with the start period as the initial delay', () => {
  const rows = [
    {
      check: { type: 'http', url: 'https://localhost:8443/health?deep=1' } as const,
      kind: 'liveness' as const,
      expected: { httpGet: { path: '/health?deep=1', port: 8443, scheme: 'HTTPS' } },
    },
    {
      check: { type: 'tcp', host: '127.0.0.1', port: 5432 } as const,
      kind: 'readiness' as const,
      expected: { tcpSocket: { port: 5432 } },
    },
    {
      check: { type: 'exec', command: 'pg_isready' } as const,
      kind: 'startup' as const,
      expected: { exec: { command: ['sh', '-c', 'pg_isready'] } },
    },
  ];
  for (const { check, kind, expected } of rows) {
    const { objects, report } = exportOne(specOf({ health: [{ ...probe, kind, check }] }));
    assert.deepEqual(podOf(objects).containers[0][`${kind}Probe`], {
      ...expected,
      periodSeconds: 5,
      timeoutSeconds: 2,
      failureThreshold: 3,
      successThreshold: 1,
      initialDelaySeconds: 2,
    });
    assert.deepEqual(report, []);
  }
});

test('a probe of another host, sub-second periods and a liveness success_threshold are reported', () => {
  const spec = specOf({
    health: [
      {
        ...probe,
        kind: 'liveness',
        successThreshold: 2,
        check: { type: 'http', url: 'http://db.internal/ok' },
      },
      {
        ...probe,
        kind: 'readiness',
        intervalMs: 200,
        successThreshold: 2,
        check: { type: 'tcp', host: '127.0.0.1', port: 1 },
      },
      { ...probe, kind: 'readiness', check: { type: 'exec', command: 'true' } },
    ],
  });
  const { objects, report } = exportOne(spec);
  const [container] = podOf(objects).containers;
  assert.equal(container.livenessProbe.successThreshold, 1);
  assert.equal(container.livenessProbe.httpGet.port, 80);
  assert.equal(container.readinessProbe.successThreshold, 2, 'readiness keeps its threshold');
  assert.equal(container.readinessProbe.periodSeconds, 1);
  const text = report.join('\n');
  assert.match(text, /^web: health\[0\]: probes db\.internal;/m);
  assert.match(text, /^web: health\[0\]: success_threshold 2: must be 1 for a liveness probe$/m);
  assert.match(text, /^web: health\[1\]: interval 200ms, .*whole seconds \(1s, 2s\)$/m);
  assert.match(text, /^web: health\[2\]: a second readiness probe/m);
});

test('limits: hard memory and cpu are the limits, max_memory is reported', () => {
  const spec = specOf({
    limits: { hardMemoryBytes: 256 * 1024 ** 2, cpu: 1.5, maxMemoryBytes: 200_000_000 },
  });
  const { objects, report } = exportOne(spec);
  assert.deepEqual(podOf(objects).containers[0].resources, {
    limits: { memory: '256Mi', cpu: '1500m' },
    requests: { memory: '256Mi', cpu: '1500m' },
  });
  assert.match(report.join('\n'), /^web: limits\.max_memory: no equivalent.*hard_memory/m);
});

test('a pool is an HPA whose CPU target is converted to a percent of the request', () => {
  const rows = [
    { cpu: undefined, request: '1', utilization: 70 },
    { cpu: 0.5, request: '500m', utilization: 140 },
  ];
  for (const { cpu, request, utilization } of rows) {
    const spec = specOf({
      limits: cpu === undefined ? {} : { cpu },
      pool: { ...DEFAULT_POOL, minSize: 2, maxSize: 8 },
    });
    const { objects } = exportOne(spec);
    const hpa: Loose = objectOf(objects, 'HorizontalPodAutoscaler');
    assert.equal(podOf(objects).containers[0].resources.requests.cpu, request);
    assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [2, 8]);
    assert.equal(hpa.spec.metrics[0].resource.target.averageUtilization, utilization);
    assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' });
    assert.match(hpa.notes.join('\n'), /of one core; averageUtilization is of the cpu request/);
  }
});

test('a queue is an External metric, with a comment naming what must provide it', () => {
  const { objects, report } = exportOne(EVERY_KEY, [DB]);
  const hpa: Loose = objectOf(objects, 'HorizontalPodAutoscaler');
  assert.deepEqual(hpa.spec.metrics[1], {
    type: 'External',
    external: { metric: { name: 'pm-queue-api' }, target: { type: 'AverageValue', averageValue: '10' } },
  });
  assert.match(hpa.notes.join('\n'), /KEDA or an external metrics adapter/);
  assert.match(report.join('\n'), /^api: pool\.queue: /m);
});

test('listen: ports are a ClusterIP Service and the container ports', () => {
  const { objects } = exportOne(specOf({ listen: [{ host: null, port: 3000 }] }));
  const service: Loose = objectOf(objects, 'Service');
  assert.equal(service.spec.type, 'ClusterIP');
  assert.deepEqual(service.spec.ports, [{ name: 'tcp-3000', port: 3000, targetPort: 3000, protocol: 'TCP' }]);
  const deployment: Loose = objectOf(objects, 'Deployment');
  assert.deepEqual(service.spec.selector, deployment.spec.selector.matchLabels);
  assert.deepEqual(podOf(objects).containers[0].ports, [{ containerPort: 3000, protocol: 'TCP' }]);
});

test('a task is a Job; its restart policy and retries come from recovery', () => {
  const rows = [
    { autoRestart: 'on-failure' as const, restartPolicy: 'OnFailure', backoffLimit: 4 },
    { autoRestart: 'never' as const, restartPolicy: 'Never', backoffLimit: 0 },
  ];
  for (const { autoRestart, restartPolicy, backoffLimit } of rows) {
    const spec = specOf({ type: 'task', recovery: { ...EVERY_KEY.recovery, autoRestart, maxRestarts: 4 } });
    const { objects, report } = exportOne(spec);
    const job: Loose = objectOf(objects, 'Job');
    assert.equal(job.spec.backoffLimit, backoffLimit);
    assert.equal(podOf(objects).restartPolicy, restartPolicy);
    assert.doesNotMatch(report.join('\n'), /max_restarts|auto_restart/);
  }
});

test('a scheduled task is a CronJob that never overlaps, in the schedule time zone', () => {
  const spec = specOf({
    type: 'task',
    schedule: { cron: '30 0 3 * * *', action: 'run', timezone: 'Europe/Paris' },
  });
  const { objects, report } = exportOne(spec);
  const cronJob: Loose = objectOf(objects, 'CronJob');
  assert.equal(cronJob.spec.schedule, '0 3 * * *');
  assert.equal(cronJob.spec.timeZone, 'Europe/Paris');
  assert.equal(cronJob.spec.concurrencyPolicy, 'Forbid');
  assert.match(report.join('\n'), /^web: cron: "30 0 3 \* \* \*" has a seconds field/m);
});

test('cron_restart of a service is reported with the CronJob that would do it', () => {
  const spec = specOf({ schedule: { cron: '0 3 * * *', action: 'restart' } });
  const { objects, report } = exportOne(spec);
  assert.deepEqual(
    objects.map((object) => object.kind),
    ['Deployment'],
  );
  assert.match(report.join('\n'), /^web: cron_restart: .*kubectl rollout restart/m);
});

test('depends_on waits for the Service of a dependency with listen:, and reports the others', () => {
  const task = specOf({ name: 'migrate', type: 'task' });
  const spec = specOf({
    dependsOn: [
      { app: 'db', condition: 'healthy', restart: false },
      { app: 'migrate', condition: 'completed_successfully', restart: false },
    ],
  });
  const { objects, report } = exportOne(spec, [DB, task]);
  assert.deepEqual(podOf(objects).initContainers, [
    {
      name: 'wait-for-db',
      image: 'busybox:1.36',
      command: ['sh', '-c', 'until nc -z db 5432; do sleep 1; done'],
    },
  ]);
  assert.match(report.join('\n'), /^web: depends_on\.migrate: completed_successfully: a Job has no Service/m);
});

test('stop: the grace period is kill_timeout, a signal other than SIGTERM is reported', () => {
  const { objects, report } = exportOne(specOf({ stop: { signal: 'SIGINT', killTimeoutMs: 12_500 } }));
  assert.equal(podOf(objects).terminationGracePeriodSeconds, 13);
  assert.match(report.join('\n'), /^web: stop\.signal: SIGINT: Kubernetes always sends SIGTERM; .*preStop/m);
});

test('run_as sets the pod security context from the numeric ids', () => {
  const { objects } = exportOne(specOf({ runAs: { user: 'app', uid: 1001, gid: 1002, home: '/home/app' } }));
  assert.deepEqual(podOf(objects).securityContext, { runAsUser: 1001, runAsGroup: 1002 });
});

test('a service that must not restart is reported, and so are restart tunings', () => {
  const { report } = exportOne(specOf({ recovery: { ...EVERY_KEY.recovery, autoRestart: 'never' } }));
  const text = report.join('\n');
  assert.match(text, /^web: recovery\.auto_restart: never: a Deployment restarts its pods always/m);
  for (const key of [
    'max_restarts',
    'restart_window',
    'min_uptime',
    'restart_delay',
    'backoff',
    'retry_after',
  ])
    assert.match(text, new RegExp(`^web: recovery\\.${key}: `, 'm'));
});

test('a name Kubernetes refuses is made one, and reported', () => {
  const { objects, report } = exportOne(specOf({ name: 'My_App.v2' }));
  assert.equal(objects[0]!.metadata.name, 'my-app-v2');
  assert.match(report.join('\n'), /^My_App\.v2: name: .*named my-app-v2$/m);
});

test('an app at its defaults has nothing to report', () => {
  assert.deepEqual(exportOne(specOf()).report, []);
});
