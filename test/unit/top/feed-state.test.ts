import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TRAIL_POINTS } from '../../../src/protocol/monitoring.js';
import { applyWatchEvent, INITIAL_FEED_STATE } from '../../../src/top/feed-state.js';
import { DAEMON, info, snapshot } from './fake-feed.js';

test('a snapshot replaces everything and sorts by name then index', () => {
  const state = applyWatchEvent(
    INITIAL_FEED_STATE,
    snapshot([info('web', 1, 1), info('api', 0, 2), info('web', 0, 0)]),
  );
  assert.equal(state.ready, true);
  assert.deepEqual(
    state.processes.map((p) => `${p.name}:${p.index}`),
    ['api:0', 'web:0', 'web:1'],
  );
  assert.equal(state.daemon, DAEMON);
});

test('changes update and add instances in place and remove the removed ones with their trails', () => {
  let state = applyWatchEvent(INITIAL_FEED_STATE, {
    ...snapshot([info('web', 0, 0), info('web', 1, 1)]),
    trails: { 1: { cpuPercent: [1], memoryBytes: [2] } },
  } as never);
  state = applyWatchEvent(state, {
    type: 'changes',
    processes: [info('web', 0, 0, { status: 'stopped', pid: null }), info('web', 2, 5)],
    removedIds: [1],
  });
  assert.deepEqual(
    state.processes.map((p) => [p.id, p.status]),
    [
      [0, 'stopped'],
      [5, 'online'],
    ],
  );
  assert.equal(state.trails.has(1), false);
});

test('a sample sets cpu and memory of the instances it names and appends to their trails, up to TRAIL_POINTS', () => {
  let state = applyWatchEvent(INITIAL_FEED_STATE, snapshot([info('web', 0, 0), info('web', 1, 1)]));
  for (let i = 0; i < TRAIL_POINTS + 5; i++) {
    state = applyWatchEvent(state, {
      type: 'sample',
      at: i,
      usage: [{ id: 0, cpuPercent: i, memoryBytes: i * 2 }],
      daemon: DAEMON,
    });
  }
  assert.equal(state.processes[0]?.cpuPercent, TRAIL_POINTS + 4);
  assert.equal(state.processes[1]?.cpuPercent, 1.5, 'untouched');
  const trail = state.trails.get(0)!;
  assert.equal(trail.cpuPercent.length, TRAIL_POINTS);
  assert.equal(trail.cpuPercent.at(-1), TRAIL_POINTS + 4);
  assert.equal(trail.memoryBytes.at(-1), (TRAIL_POINTS + 4) * 2);
});
