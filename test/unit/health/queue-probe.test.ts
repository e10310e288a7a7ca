// A queue probe's output is one number, with spaces and a trailing newline at most; anything else is
// an error that says what was printed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseQueueLength, queueProbeHint, queueTimeoutMs } from '../../../src/health/queue-probe.js';

const rows: Array<[string, ReturnType<typeof parseQueueLength>]> = [
  ['37\n', { ok: true, value: 37 }],
  ['  0  ', { ok: true, value: 0 }],
  ['12.5\r\n', { ok: true, value: 12.5 }],
  ['', { ok: false, reason: 'printed nothing' }],
  ['\n', { ok: false, reason: 'printed nothing' }],
  ['abc\n', { ok: false, reason: 'printed "abc", not one number' }],
  ['(integer) 5', { ok: false, reason: 'printed "(integer) 5", not one number' }],
  ['-3', { ok: false, reason: 'printed "-3", not one number' }],
  ['1 2', { ok: false, reason: 'printed "1 2", not one number' }],
  ['5\nerror', { ok: false, reason: 'printed "5 error", not one number' }],
  ['1e3', { ok: false, reason: 'printed "1e3", not one number' }],
  ['99999999999999999999', { ok: false, reason: 'printed "99999999999999999999", not one number' }],
];

for (const [output, expected] of rows) {
  test(`output ${JSON.stringify(output)} reads as ${JSON.stringify(expected)}`, () => {
    assert.deepEqual(parseQueueLength(output), expected);
  });
}

test('a long output is shown cut short in the error', () => {
  const result = parseQueueLength('x'.repeat(1000));
  assert.equal(result.ok, false);
  assert.ok(!result.ok && result.reason.length < 80);
});

test('the default timeout is the interval, at most 5s', () => {
  const check = { type: 'exec', command: 'true' } as const;
  assert.equal(queueTimeoutMs({ check, perInstance: 1, intervalMs: 250 }), 250);
  assert.equal(queueTimeoutMs({ check, perInstance: 1, intervalMs: 60_000 }), 5_000);
  assert.equal(queueTimeoutMs({ check, perInstance: 1, intervalMs: 60_000, timeoutMs: 9_000 }), 9_000);
});

test('the hint says what to check for each kind of probe', () => {
  assert.equal(
    queueProbeHint({ type: 'exec', command: 'redis-cli llen jobs' }),
    'check that `redis-cli llen jobs` prints one number',
  );
  assert.equal(
    queueProbeHint({ type: 'http', url: 'http://127.0.0.1:3000/queue' }),
    'check that GET http://127.0.0.1:3000/queue answers 2xx with one number',
  );
});
