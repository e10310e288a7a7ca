import assert from 'node:assert/strict';
import { test } from 'node:test';
import { iterateStream, StreamSet } from '../../../src/api/event-stream.js';
import { PmError } from '../../../src/protocol/errors.js';

/** A stream the test drives: events go in by hand, and the stream ends or fails when told. */
function fakeStream<T>() {
  let emit: (event: T) => void = () => {};
  let end: () => void = () => {};
  let fail: (error: Error) => void = () => {};
  const connection = { closed: false, close: () => (connection.closed = true) };
  const run = (_: typeof connection, onEvent: (event: T) => void) =>
    new Promise<void>((resolve, reject) => {
      emit = onEvent;
      end = resolve;
      fail = reject;
    });
  return {
    connection,
    open: async () => connection,
    run,
    emit: (event: T) => emit(event),
    end: () => end(),
    fail: (error: Error) => fail(error),
  };
}

test('events that arrive before the loop asks for them are buffered and yielded in order', async () => {
  const stream = fakeStream<number>();
  const iterator = iterateStream(stream.open, stream.run, new StreamSet());
  const first = iterator.next();
  await new Promise((resolve) => setImmediate(resolve));
  for (const n of [1, 2, 3]) stream.emit(n);
  stream.end();
  const seen = [(await first).value];
  for await (const n of iterator) seen.push(n);
  assert.deepEqual(seen, [1, 2, 3]);
  assert.equal(stream.connection.closed, true, 'the connection stays open after the end');
});

test('leaving the loop closes the connection of the stream', async () => {
  const stream = fakeStream<number>();
  const streams = new StreamSet();
  setImmediate(() => stream.emit(1));
  for await (const n of iterateStream(stream.open, stream.run, streams)) {
    assert.equal(n, 1);
    break;
  }
  assert.equal(stream.connection.closed, true);
});

test('closing the set ends a waiting loop without an error', async () => {
  const stream = fakeStream<number>();
  const streams = new StreamSet();
  const loop = (async () => {
    const seen: number[] = [];
    for await (const n of iterateStream(stream.open, stream.run, streams)) seen.push(n);
    return seen;
  })();
  setImmediate(() => {
    stream.emit(7);
    setImmediate(() => {
      streams.closeAll();
      // What the real client does once closed: the pending stream is rejected.
      stream.fail(new PmError('daemon-unavailable', 'the daemon closed the connection'));
    });
  });
  assert.deepEqual(await loop, [7]);
  assert.equal(stream.connection.closed, true);
});

test('a stream opened after the set closed yields nothing and closes its connection', async () => {
  const stream = fakeStream<number>();
  const streams = new StreamSet();
  streams.closeAll();
  const seen: number[] = [];
  for await (const n of iterateStream(stream.open, stream.run, streams)) seen.push(n);
  assert.deepEqual(seen, []);
  assert.equal(stream.connection.closed, true);
});

test('a failed stream throws its error from the loop, after the events before it', async () => {
  const stream = fakeStream<number>();
  const seen: number[] = [];
  setImmediate(() => {
    stream.emit(1);
    stream.fail(new PmError('not-found', 'no process named "web"'));
  });
  await assert.rejects(
    (async () => {
      for await (const n of iterateStream(stream.open, stream.run, new StreamSet())) seen.push(n);
    })(),
    (error: unknown) => error instanceof PmError && error.code === 'not-found',
  );
  assert.deepEqual(seen, [1]);
  assert.equal(stream.connection.closed, true);
});
