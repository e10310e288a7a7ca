import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildAppSpec } from '../../../src/config/app-spec/build-app-spec.js';
import { PmError } from '../../../src/protocol/errors.js';
import type { RequestOf, RequestType } from '../../../src/protocol/messages.js';
import { frameId, validateRequestFrame } from '../../../src/protocol/validate-request.js';

const spec = buildAppSpec(
  { name: 'web', script: 'node -e 0', env: { PORT: '3000' } },
  { baseDir: '/tmp', baseEnv: { PATH: '/usr/bin' } },
);
const web = { kind: 'name', name: 'web' } as const;

// One valid request per type: a new request type does not compile until it has a sample here.
const samples: { [K in RequestType]: RequestOf<K> } = {
  hello: { type: 'hello', protocolVersion: 1 },
  apply: { type: 'apply', apps: [spec], settings: { metricsIntervalMs: 500, prometheusPort: null } },
  start: { type: 'start', target: { kind: 'all' } },
  stop: { type: 'stop', target: web },
  restart: { type: 'restart', target: { kind: 'instance', name: 'web', index: 1 } },
  reload: { type: 'reload', target: web, parallel: 2 },
  delete: { type: 'delete', target: { kind: 'id', id: 4 } },
  pause: { type: 'pause', target: web },
  resume: { type: 'resume', target: web },
  reset: { type: 'reset', target: { kind: 'all' } },
  scale: { type: 'scale', name: 'web', change: { mode: 'add', count: -2 } },
  list: { type: 'list' },
  apps: { type: 'apps' },
  describe: { type: 'describe', target: web },
  ping: { type: 'ping' },
  kill: { type: 'kill' },
  events: { type: 'events', lines: 50, follow: true, sinceMs: 1_700_000_000_000 },
  logs: {
    type: 'logs',
    target: web,
    lines: 20,
    follow: false,
    streams: ['err'],
    sinceMs: 1_700_000_000_000,
    grep: 'error|warn',
  },
  flush: { type: 'flush', target: { kind: 'all' } },
  watch: { type: 'watch' },
  metrics: { type: 'metrics' },
};

/** As it arrives: JSON-parsed, so no undefined values and no shared references. */
const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value));

function rejects(value: unknown, message: string | RegExp): void {
  assert.throws(
    () => validateRequestFrame(value),
    (error) =>
      error instanceof PmError &&
      error.code === 'bad-request' &&
      (typeof message === 'string' ? error.message === message : message.test(error.message)),
  );
}

for (const [type, request] of Object.entries(samples)) {
  test(`a valid ${type} request is accepted unchanged`, () => {
    const frame = { id: 9, ...request };
    assert.deepEqual(validateRequestFrame(wire(frame)), wire(frame));
  });
}

test('an unknown request type is rejected by name', () => {
  rejects({ id: 1, type: 'frobnicate' }, 'unknown request type "frobnicate"');
  rejects({ id: 1, type: 'constructor' }, 'unknown request type "constructor"');
  rejects({ id: 1, type: '__proto__' }, 'unknown request type "__proto__"');
});

test('a frame without a valid id or type is rejected, naming the field', () => {
  rejects({ type: 'list' }, /^id: expected an integer in 0\.\.\d+, found undefined$/);
  rejects({ id: '1', type: 'list' }, /^id: expected an integer .*, found string$/);
  rejects({ id: -1, type: 'list' }, /^id: expected an integer .*, found number$/);
  rejects({ id: 1.5, type: 'list' }, /^id: expected an integer .*, found number$/);
  rejects({ id: 1 }, 'type: expected a string, found undefined');
  rejects({ id: 1, type: 7 }, 'type: expected a string, found number');
});

test('a frame that is not an object is rejected', () => {
  rejects(null, 'message: expected an object, found null');
  rejects([1], 'message: expected an object, found an array');
  rejects('list', 'message: expected an object, found string');
});

test('fields of the wrong type are rejected with their path', () => {
  rejects({ id: 1, type: 'hello', protocolVersion: '1' }, /^protocolVersion: expected an integer/);
  rejects({ id: 1, type: 'stop', target: 'web' }, 'target: expected an object, found string');
  rejects({ id: 1, type: 'stop' }, 'target: expected an object, found undefined');
  rejects(
    { id: 1, type: 'scale', name: 'web', change: { mode: 'add', count: 1.5 } },
    /^change\.count: expected an integer in -10000\.\.10000/,
  );
  rejects(
    { id: 1, type: 'scale', name: 'web', change: { mode: 'times', count: 2 } },
    'change.mode: expected one of set, add, found string',
  );
  rejects({ id: 1, type: 'events', lines: 10, follow: 'yes' }, 'follow: expected a boolean, found string');
});

test('fields deep inside an app definition are rejected with their path', () => {
  const apply = (patch: (app: Record<string, unknown>) => void): unknown => {
    const app: Record<string, unknown> = { ...wire(spec) };
    patch(app);
    return { id: 1, type: 'apply', apps: [app] };
  };
  rejects(
    apply((app) => {
      (app.recovery as Record<string, unknown>).maxRestarts = -1;
    }),
    /^apps\[0\]\.recovery\.maxRestarts: expected an integer in 0\.\.1000000/,
  );
  rejects(
    apply((app) => {
      (app.stop as Record<string, unknown>).signal = 'SIGFOO';
    }),
    /^apps\[0\]\.stop\.signal: expected one of SIGTERM, /,
  );
  rejects(
    apply((app) => {
      app.env = { PORT: 3000 };
    }),
    'apps[0].env.PORT: expected a string, found number',
  );
  rejects(
    apply((app) => {
      app.run = { file: 'node', args: 'x', display: 'node' };
    }),
    'apps[0].run.args: expected an array (at most 100000), found string',
  );
});

test('apply carries daemon settings: any subset, a null port to stop serving, none at all', () => {
  for (const settings of [
    { metricsIntervalMs: 200, prometheusPort: 9209 },
    { metricsIntervalMs: 0 },
    { prometheusPort: null },
    {},
  ]) {
    const frame = { id: 2, type: 'apply', apps: [], settings };
    assert.deepEqual(validateRequestFrame(frame), frame);
  }
  assert.deepEqual(validateRequestFrame({ id: 2, type: 'apply', apps: [] }), {
    id: 2,
    type: 'apply',
    apps: [],
  });
});

test('bad daemon settings in apply are rejected with their path', () => {
  const apply = (settings: unknown) => ({ id: 1, type: 'apply', apps: [], settings });
  rejects(
    apply({ prometheusPort: 0 }),
    /^settings\.prometheusPort: expected an integer in 1\.\.65535, found number$/,
  );
  rejects(apply({ prometheusPort: 70_000 }), /^settings\.prometheusPort: expected an integer in 1\.\.65535/);
  rejects(
    apply({ prometheusPort: '9209' }),
    /^settings\.prometheusPort: expected an integer .*, found string$/,
  );
  rejects(
    apply({ prometheusPort: false }),
    /^settings\.prometheusPort: expected an integer .*, found boolean$/,
  );
  rejects(apply({ metricsIntervalMs: -1 }), /^settings\.metricsIntervalMs: expected an integer in 0\.\./);
  rejects(apply({ metricsIntervalMs: 1.5 }), /^settings\.metricsIntervalMs: expected an integer/);
  rejects(apply({ metricsIntervalMs: 5 }), 'settings.metricsIntervalMs: expected 0 or at least 100, found 5');
  rejects(apply('fast'), 'settings: expected an object, found string');
  rejects(apply(null), 'settings: expected an object, found null');
});

test('bad app names are rejected with their path', () => {
  for (const name of ['', '../etc', '-web', 'a b', 'web:1', 'x'.repeat(65)]) {
    rejects(
      { id: 1, type: 'stop', target: { kind: 'name', name } },
      `target.name: "${name}" is not a valid app name`,
    );
    rejects(
      { id: 1, type: 'scale', name, change: { mode: 'set', count: 1 } },
      `name: "${name}" is not a valid app name`,
    );
  }
  rejects(
    { id: 1, type: 'apply', apps: [{ ...spec, name: 'a/b' }] },
    'apps[0].name: "a/b" is not a valid app name',
  );
});

test('bad target kinds and incomplete targets are rejected with their path', () => {
  const stop = (target: unknown) => ({ id: 1, type: 'stop', target });
  rejects(
    stop({ kind: 'pid', pid: 1 }),
    'target.kind: expected one of all, name, id, instance, found string',
  );
  rejects(stop({ name: 'web' }), 'target.kind: expected one of all, name, id, instance, found undefined');
  rejects(stop({ kind: 'id', id: -3 }), /^target\.id: expected an integer/);
  rejects(stop({ kind: 'id' }), /^target\.id: expected an integer .*, found undefined$/);
  rejects(
    stop({ kind: 'instance', name: 'web' }),
    /^target\.index: expected an integer .*, found undefined$/,
  );
});

test('unknown keys are dropped at every level', () => {
  const frame = {
    id: 3,
    type: 'stop',
    target: { kind: 'all', name: 'ignored' },
    extra: true,
  };
  assert.deepEqual(validateRequestFrame(frame), { id: 3, type: 'stop', target: { kind: 'all' } });
  const apply = validateRequestFrame({ id: 4, type: 'apply', apps: [{ ...wire(spec), uid: 0 }] });
  assert.deepEqual(apply, { id: 4, type: 'apply', apps: [wire(spec)] });
});

test('frameId returns a usable id or null, so that an error reply can still be correlated', () => {
  assert.equal(frameId({ id: 12, type: 'nope' }), 12);
  assert.equal(frameId({ id: '12' }), null);
  assert.equal(frameId({ id: 2 ** 60 }), null);
  assert.equal(frameId({}), null);
  assert.equal(frameId(null), null);
  assert.equal(frameId(42), null);
});

test('a pool queue on the wire: an exec or http check, and an http URL only with http:// or https://', () => {
  const pool = { minSize: 1, maxSize: 3, idleTimeoutMs: 1000, targetCpuPercent: 70, cooldownMs: 1000 };
  const apply = (queue: unknown) => ({
    id: 1,
    type: 'apply',
    apps: [{ ...wire(spec), pool: { ...pool, queue } }],
  });
  const queue = {
    check: { type: 'exec', command: 'redis-cli llen jobs' },
    perInstance: 10,
    intervalMs: 5000,
  };
  const accepted = validateRequestFrame(apply(queue)) as RequestOf<'apply'>;
  assert.deepEqual(accepted.apps[0]?.pool?.queue, queue);
  rejects(
    apply({ ...queue, check: { type: 'http', url: 'file:///etc/passwd' } }),
    /^apps\[0\]\.pool\.queue\.check\.url: "file:\/\/\/etc\/passwd" is not an http:\/\/ or https:\/\/ URL/,
  );
  rejects(apply({ ...queue, perInstance: 0 }), /^apps\[0\]\.pool\.queue\.perInstance: expected an integer/);
});
