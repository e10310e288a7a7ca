// rlimits against the hard limits pm runs under, and the daemon's own check of an applied app.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refuseIsolation } from '../../../../src/config/app-spec/check-isolation.js';
import { checkRlimits, parseHardLimits } from '../../../../src/config/app-spec/rlimits.js';
import { testSpec } from '../../supervisor/fake-world.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units     
Max cpu time              unlimited            unlimited            seconds   
Max core file size        0                    unlimited            bytes     
Max processes             96367                96367                processes 
Max open files            1024                 4096                 files     
Max locked memory         8388608              8388608              bytes     
Max nice priority         0                    0                    
`;

test('the hard limits are read from /proc/<pid>/limits, unlimited as Infinity', () => {
  assert.deepEqual(parseHardLimits(LIMITS), {
    nofile: 4096,
    nproc: 96367,
    core: Number.POSITIVE_INFINITY,
    memlock: 8388608,
  });
});

test('an rlimit above its hard limit is refused, one message each; at or below it passes', () => {
  const hard = parseHardLimits(LIMITS);
  assert.deepEqual(checkRlimits({ nofile: 4096, nproc: 10, core: 1e12, memlock: 8388608 }, hard), []);
  assert.deepEqual(checkRlimits({ nofile: 4097, memlock: 16777216 }, hard), [
    {
      key: 'nofile',
      message: 'found 4097, expected at most 4096 (the hard limit of open files pm runs under)',
    },
    {
      key: 'memlock',
      message:
        'found 16777216 bytes, expected at most 8388608 bytes (the hard limit of locked memory pm runs under)',
    },
  ]);
});

test('where the hard limits are unknown (no /proc), nothing is refused', () => {
  assert.deepEqual(checkRlimits({ nofile: 1e9 }, null), []);
});

const runAs = { user: 'nobody', uid: 65534, gid: 65534, home: '/nonexistent' };

test('the daemon refuses an app that runs as another user unless it runs as root', () => {
  const hardLimits = parseHardLimits(LIMITS);
  assert.equal(
    refuseIsolation(testSpec({ runAs }), { uid: 1000, hardLimits }),
    'app "web": only a pm running as root can run an app as another user or group, and this one runs as uid 1000',
  );
  assert.equal(refuseIsolation(testSpec({ runAs }), { uid: 0, hardLimits }), null);
  assert.equal(refuseIsolation(testSpec(), { uid: 1000, hardLimits }), null);
});

test('the daemon refuses an rlimit above its own hard limit', () => {
  const host = { uid: 0, hardLimits: parseHardLimits(LIMITS) };
  assert.match(
    refuseIsolation(testSpec({ rlimits: { nofile: 5000 } }), host) ?? '',
    /^app "web": rlimits\.nofile: found 5000, expected at most 4096/,
  );
  assert.equal(refuseIsolation(testSpec({ rlimits: { nofile: 256 } }), host), null);
});
