import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EnvInterner } from '../../../src/daemon/env-interner.js';

test('equal environments become one object; a different one stays its own', () => {
  const interner = new EnvInterner();
  const first = interner.intern({ PATH: '/bin', HOME: '/root' });
  assert.equal(interner.intern({ PATH: '/bin', HOME: '/root' }), first);
  const other = { PATH: '/usr/bin', HOME: '/root' };
  assert.equal(interner.intern(other), other);
  assert.notEqual(interner.intern(other), first);
});
