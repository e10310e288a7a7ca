import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import {
  DEFAULT_CONNECTION_LIMITS,
  readConnectionLimits,
  readOpenFilesLimit,
} from '../../../../src/daemon/connections/limits.js';

test('the limits come from the environment, with defaults for what is unset or not a value', () => {
  assert.deepEqual(readConnectionLimits({}, null), DEFAULT_CONNECTION_LIMITS);
  assert.deepEqual(
    readConnectionLimits(
      {
        PM_MAX_CONNECTIONS: '50',
        PM_MAX_UNFINISHED_INPUT: '2M',
        PM_FRAME_TIMEOUT: '400ms',
        PM_IDLE_CONNECTION_TIMEOUT: '2m',
      },
      null,
    ),
    {
      maxConnections: 50,
      unfinishedInputBytes: 2 * 1024 * 1024,
      frameTimeoutMs: 400,
      idleTimeoutMs: 120_000,
    },
  );
  assert.deepEqual(
    readConnectionLimits(
      {
        PM_MAX_CONNECTIONS: '-3',
        PM_MAX_UNFINISHED_INPUT: 'lots',
        PM_FRAME_TIMEOUT: '0',
        PM_IDLE_CONNECTION_TIMEOUT: '',
      },
      null,
    ),
    DEFAULT_CONNECTION_LIMITS,
  );
});

test('connections get at most half the open-files limit: the rest stays for pipes, logs and /proc', () => {
  assert.equal(readConnectionLimits({}, 128).maxConnections, 64);
  assert.equal(readConnectionLimits({ PM_MAX_CONNECTIONS: '20' }, 128).maxConnections, 20);
  assert.equal(readConnectionLimits({}, 1_048_576).maxConnections, DEFAULT_CONNECTION_LIMITS.maxConnections);
});

test('the open-files limit is the soft one of /proc/self/limits', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pm-limits-')), 'limits');
  fs.writeFileSync(
    file,
    'Limit                     Soft Limit           Hard Limit           Units\n' +
      'Max open files            1024                 524288               files\n',
  );
  assert.equal(readOpenFilesLimit(file), 1024);
  assert.equal(readOpenFilesLimit(path.join(path.dirname(file), 'missing')), null);
  fs.rmSync(path.dirname(file), { recursive: true });
});
