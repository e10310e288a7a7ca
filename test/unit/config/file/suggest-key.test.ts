import assert from 'node:assert/strict';
import { test } from 'node:test';
import { suggestKey } from '../../../../src/config/file/suggest-key.js';

const RECOVERY = ['auto_restart', 'max_restarts', 'restart_window', 'restart_delay', 'min_uptime', 'backoff'];

const cases: Array<[string, string | undefined]> = [
  ['max_restart', 'max_restarts'],
  ['maxRestarts', 'max_restarts'],
  ['max-restarts', 'max_restarts'],
  ['autorestart', 'auto_restart'],
  ['restart_dealy', 'restart_delay'],
  ['MIN_UPTIME', 'min_uptime'],
  ['backof', 'backoff'],
  ['color', undefined],
  ['x', undefined],
];

for (const [typo, expected] of cases) {
  test(`"${typo}" suggests ${expected ?? 'nothing'}`, () => {
    assert.equal(suggestKey(typo, RECOVERY), expected);
  });
}
