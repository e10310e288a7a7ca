import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProcessStatus } from '../../../src/protocol/process-info.js';
import { describeResult, requestFor, toggleLabels } from '../../../src/top/actions.js';
import { info } from './fake-feed.js';

const target = { kind: 'id', id: 3 } as const;

test('each key maps to its request for the instance state, as a table', () => {
  const rows: Array<[ProcessStatus, Parameters<typeof requestFor>[0], ReturnType<typeof requestFor>]> = [
    ['online', 'r', { type: 'restart', target }],
    ['online', 's', { type: 'stop', target }],
    ['waiting-restart', 's', { type: 'stop', target }],
    ['stopped', 's', { type: 'start', target }],
    ['errored', 's', { type: 'start', target }],
    ['online', 'p', { type: 'pause', target }],
    ['paused', 'p', { type: 'resume', target }],
    ['stopped', 'p', { refused: 'web:2 is stopped: only a running instance can be paused' }],
    ['online', '+', { type: 'scale', name: 'web', change: { mode: 'add', count: 1 } }],
    ['errored', '-', { type: 'scale', name: 'web', change: { mode: 'add', count: -1 } }],
  ];
  for (const [status, key, expected] of rows) {
    assert.deepEqual(requestFor(key, info('web', 2, 3, { status })), expected, `${key} on ${status}`);
  }
});

test('results name the instance, its new state and pid, or the reason it errored', () => {
  const subject = info('web', 2, 3);
  assert.equal(
    describeResult({ type: 'restart', target }, subject, [info('web', 2, 3, { pid: 77 })]),
    'restart web:2 → online (pid 77)',
  );
  assert.equal(
    describeResult({ type: 'start', target }, subject, [
      info('web', 2, 3, { status: 'errored', pid: null, reason: 'spawn-failed: ENOENT' }),
    ]),
    'start web:2 → errored: spawn-failed: ENOENT',
  );
  assert.equal(
    describeResult({ type: 'scale', name: 'web', change: { mode: 'add', count: -1 } }, subject, [subject]),
    'scale web -1 → 1 instances',
  );
});

test('the footer labels follow the selection: start for a stopped one, resume for a paused one', () => {
  assert.deepEqual(toggleLabels(info('a', 0, 0, { status: 'stopped' })), { s: 'start', p: 'pause' });
  assert.deepEqual(toggleLabels(info('a', 0, 0, { status: 'paused' })), { s: 'stop', p: 'resume' });
  assert.deepEqual(toggleLabels(undefined), { s: 'stop', p: 'pause' });
});
