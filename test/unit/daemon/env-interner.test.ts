import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EnvInterner } from '../../../src/daemon/env-interner.js';
import type { AppSpec } from '../../../src/protocol/app-spec.js';

test('equal environments become one object; a different one stays its own', () => {
  const interner = new EnvInterner();
  const first = interner.intern({ PATH: '/bin', HOME: '/root' });
  assert.equal(interner.intern({ PATH: '/bin', HOME: '/root' }), first);
  const other = { PATH: '/usr/bin', HOME: '/root' };
  assert.equal(interner.intern(other), other);
  assert.notEqual(interner.intern(other), first);
});

test('apps of one config share their equal parts, and keep the ones that differ', () => {
  const interner = new EnvInterner();
  const spec = (name: string, signal: string) =>
    ({
      name,
      baseEnv: { PATH: '/bin' },
      stop: { signal, killTimeoutMs: 5000 },
      health: [],
      instances: 1,
    }) as unknown as AppSpec;
  const [a, b, c] = [spec('a', 'SIGTERM'), spec('b', 'SIGTERM'), spec('c', 'SIGINT')].map((s) =>
    interner.internSpec(s),
  );
  assert.equal(b!.baseEnv, a!.baseEnv);
  assert.equal(b!.stop, a!.stop);
  assert.equal(b!.health, a!.health);
  assert.notEqual(c!.stop, a!.stop);
  assert.deepEqual(c!.stop, { signal: 'SIGINT', killTimeoutMs: 5000 });
  assert.deepEqual([a!.name, b!.name, b!.instances], ['a', 'b', 1]);
  assert.deepEqual(
    Object.keys(b!),
    ['name', 'baseEnv', 'stop', 'health', 'instances'],
    'the same keys, in order',
  );
});
