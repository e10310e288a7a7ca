import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mock, test } from 'node:test';
import { ExitPoller } from '../../../src/proc/exit-poller.js';
import { createProcfsBackend } from '../../../src/proc/procfs-backend.js';
import { liveStartTime } from '../../helpers/proc-entry.js';

const { readEntries } = createProcfsBackend();

test('a slice of the watched processes is read at each poll, and every exit is found within a round', () => {
  mock.timers.enable({ apis: ['setInterval'] });
  try {
    const self = process.pid;
    const started = liveStartTime(self)!;
    const gone = spawnSync('true').pid!;
    const exited: string[] = [];
    const poller = new ExitPoller(readEntries, 200, 2);
    poller.watch(self, started, () => exited.push('self'));
    poller.watch(self, started + 1, () => exited.push('reused pid'));
    poller.watch(self, started, () => exited.push('self again'));
    poller.watch(gone, 1, () => exited.push('gone'));
    mock.timers.tick(200);
    assert.deepEqual(exited, ['reused pid'], 'the first two only');
    mock.timers.tick(200);
    assert.deepEqual(exited, ['reused pid', 'gone']);
    mock.timers.tick(1000);
    assert.deepEqual(exited, ['reused pid', 'gone'], 'a live process is never reported');
  } finally {
    mock.timers.reset();
  }
});

test('an unwatched process is no longer read, and the last one stops the timer', () => {
  mock.timers.enable({ apis: ['setInterval'] });
  try {
    const gone = spawnSync('true').pid!;
    const exited: number[] = [];
    const poller = new ExitPoller(readEntries, 200, 1);
    const stop = poller.watch(gone, 1, () => exited.push(1));
    poller.watch(gone, 1, () => exited.push(2));
    stop();
    mock.timers.tick(200);
    assert.deepEqual(exited, [2]);
    mock.timers.tick(1000);
    assert.deepEqual(exited, [2]);
  } finally {
    mock.timers.reset();
  }
});

test('while polls find exits, each reads twice as many: a stop of many adopted runs is seen in a few polls', () => {
  mock.timers.enable({ apis: ['setInterval'] });
  try {
    const gone = spawnSync('true').pid!;
    const self = process.pid;
    const exited: number[] = [];
    const poller = new ExitPoller(readEntries, 200, 2);
    poller.watch(self, liveStartTime(self)!, () => exited.push(-1));
    for (let i = 0; i < 100; i++) poller.watch(gone, 1, () => exited.push(i));
    let polls = 0;
    while (exited.length < 100 && polls < 20) {
      mock.timers.tick(200);
      polls++;
    }
    assert.equal(exited.length, 100, 'every ended run found');
    assert.ok(!exited.includes(-1), 'the live one not');
    assert.ok(polls <= 8, `${polls} polls (2 a poll would take 50)`);
  } finally {
    mock.timers.reset();
  }
});
