import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectionTable } from '../../../../src/daemon/connections/connection-table.js';

const LIMITS = { frameTimeoutMs: 100, idleTimeoutMs: 1000 };

test('to make room, the oldest connection that never said hello goes first, then the oldest idle one', () => {
  const table = new ConnectionTable<string>();
  const idleCli = table.add('idle cli', 0);
  const stream = table.add('stream', 1);
  const stranger = table.add('stranger', 2);
  const newerStranger = table.add('newer stranger', 3);
  idleCli.greeted = true;
  stream.greeted = true;
  stream.active = 1;
  assert.equal(table.victim(), stranger);
  table.delete(stranger);
  assert.equal(table.victim(), newerStranger);
  table.delete(newerStranger);
  assert.equal(table.victim(), idleCli);
  idleCli.active = 1;
  assert.equal(table.victim(), null, 'every connection is being answered');
});

test('a frame unfinished past its timeout expires, whatever else the connection does', () => {
  const table = new ConnectionTable<string>();
  const half = table.add('half', 0);
  half.greeted = true;
  half.active = 1;
  half.frameSince = 50;
  assert.deepEqual(table.expired(150, LIMITS), []);
  assert.deepEqual(table.expired(151, LIMITS), [{ connection: half, expiry: 'frame-timeout' }]);
});

test('a silent connection expires as idle only while nothing is being answered or streamed to it', () => {
  const table = new ConnectionTable<string>();
  const stream = table.add('stream', 0);
  const idle = table.add('idle', 0);
  table.add('stranger', 500);
  stream.active = 1;
  assert.deepEqual(table.expired(1000, LIMITS), []);
  assert.deepEqual(table.expired(1001, LIMITS), [{ connection: idle, expiry: 'idle' }]);
  assert.deepEqual(
    table.expired(1501, LIMITS).map((e) => e.connection.handle),
    ['idle', 'stranger'],
  );
  stream.active = 0;
  assert.equal(table.expired(1001, LIMITS)[0]?.connection, stream);
});
