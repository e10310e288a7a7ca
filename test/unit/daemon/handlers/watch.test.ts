// `watch` (pm top): the snapshot is made in slices, and what changes while it is made is sent
// right after it, never before it and never lost.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { DaemonContext } from '../../../../src/daemon/context.js';
import { watch } from '../../../../src/daemon/handlers/watch.js';
import type { ProcessInfo } from '../../../../src/protocol/process-info.js';
import type { ManagedProcess } from '../../../../src/supervisor/managed-process.js';

const proc = (id: number, status: string) =>
  ({ id, info: () => ({ id, status }) as unknown as ProcessInfo }) as unknown as ManagedProcess;

test('a change made while the snapshot is made in slices is sent after it; a sample waits for it', async () => {
  let members = [proc(1, 'online'), proc(2, 'online')];
  let sliced: (infos: ProcessInfo[]) => void = () => {};
  const pool = Object.assign(new EventEmitter(), {
    all: () => members,
    listInSlices: () => new Promise<ProcessInfo[]>((resolve) => (sliced = resolve)),
  });
  const monitor = Object.assign(new EventEmitter(), {
    daemonUsage: () => null,
    trails: () => ({}),
    intervalMs: 1000,
  });
  const sent: Array<{ type: string; processes?: unknown[]; removedIds?: number[] }> = [];
  let close: () => void = () => {};
  const closed = new Promise<void>((resolve) => (close = resolve));
  const ctx = { pool, monitor } as unknown as DaemonContext;
  const watching = watch({ type: 'watch' } as never, ctx, {
    send: (event) => sent.push(event as never),
    closed,
    isClosed: false,
  });
  const before = members.map((p) => p.info());
  // While the slices are made: instance 2 is deleted, 3 is created, and a sample comes.
  members = [proc(1, 'online'), proc(3, 'starting')];
  pool.emit('change', members[1]);
  pool.emit('change', proc(2, 'stopped'));
  monitor.emit('sample', { at: 1 });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(sent.length, 0, 'nothing before the snapshot');
  sliced(before);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(
    sent.map((e) => e.type),
    ['snapshot', 'changes'],
  );
  assert.deepEqual(sent[1], { type: 'changes', processes: [{ id: 3, status: 'starting' }], removedIds: [2] });
  monitor.emit('sample', { at: 2 });
  assert.equal(sent.at(-1)!.type, 'sample');
  close();
  await watching;
  assert.equal(pool.listenerCount('change'), 0);
});
