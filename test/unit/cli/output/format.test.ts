import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatBytes,
  formatCpu,
  formatDuration,
  formatUptime,
  maskEnv,
  shellQuote,
} from '../../../../src/cli/output/format.js';

test('formatDuration shows the largest whole unit', () => {
  const rows: Array<[number, string]> = [
    [0, '0s'],
    [999, '0s'],
    [59_999, '59s'],
    [60_000, '1m'],
    [3_599_999, '59m'],
    [3_600_000, '1h'],
    [86_399_999, '23h'],
    [86_400_000, '1d'],
    [40 * 86_400_000, '40d'],
  ];
  for (const [ms, text] of rows) assert.equal(formatDuration(ms), text, String(ms));
});

test('formatBytes uses binary units, one decimal below 100', () => {
  const rows: Array<[number | null, string]> = [
    [null, '-'],
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KB'],
    [1536, '1.5 KB'],
    [100 * 1024, '100 KB'],
    [50 * 1024 ** 2, '50.0 MB'],
    [1.5 * 1024 ** 3, '1.5 GB'],
    [2 * 1024 ** 4, '2.0 TB'],
    [2048 * 1024 ** 4, '2048 TB'],
  ];
  for (const [bytes, text] of rows) assert.equal(formatBytes(bytes), text, String(bytes));
});

test('formatCpu shows one decimal below 10%', () => {
  const rows: Array<[number | null, string]> = [
    [null, '-'],
    [0, '0.0%'],
    [2.5, '2.5%'],
    [12.4, '12%'],
    [150, '150%'],
  ];
  for (const [percent, text] of rows) assert.equal(formatCpu(percent), text, String(percent));
});

test('formatUptime counts from the start to now, never below zero', () => {
  assert.equal(formatUptime(null, 10_000), '-');
  assert.equal(formatUptime(5_000, 10_000), '5s');
  assert.equal(formatUptime(20_000, 10_000), '0s');
});

test('maskEnv hides values of secret-looking keys only', () => {
  assert.deepEqual(
    maskEnv({
      PORT: '3000',
      NODE_ENV: 'production',
      DB_PASSWORD: 'hunter2',
      API_TOKEN: 't',
      AWS_SECRET_ACCESS_KEY: 's',
      GITHUB_AUTH: 'a',
      private_key_path: '/k',
      SESSION_COOKIE: 'c',
      EMPTY_SECRET: '',
    }),
    {
      PORT: '3000',
      NODE_ENV: 'production',
      DB_PASSWORD: '****',
      API_TOKEN: '****',
      AWS_SECRET_ACCESS_KEY: '****',
      GITHUB_AUTH: '****',
      private_key_path: '****',
      SESSION_COOKIE: '****',
      EMPTY_SECRET: '',
    },
  );
});

test('shellQuote writes an argument as a shell needs it: pm describe is unambiguous', () => {
  assert.equal(shellQuote('server.js'), 'server.js');
  assert.equal(shellQuote('--port=3000'), '--port=3000');
  assert.equal(shellQuote('a b'), "'a b'");
  assert.equal(shellQuote(''), "''");
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.equal(shellQuote('$HOME'), "'$HOME'");
});
