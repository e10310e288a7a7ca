// A daemon stream (logs, events) as an async iterator. Events are buffered as they arrive: the daemon
// never waits for a slow reader, so neither do we. Each stream has its own connection, and ending the
// iteration (`break`, `return`, a throw in the loop) closes it.

/** What a stream runs over: a connection it owns and closes. */
export interface StreamConnection {
  close(): void;
}

// pm.close() ends every stream still open, also those whose loop is not running (abandoned iterators).
export class StreamSet {
  private closed = false;
  private readonly stops = new Set<() => void>();

  add(stop: () => void): void {
    if (this.closed) stop();
    else this.stops.add(stop);
  }

  delete(stop: () => void): void {
    this.stops.delete(stop);
  }

  closeAll(): void {
    this.closed = true;
    for (const stop of this.stops) stop();
    this.stops.clear();
  }
}

/**
 * Yields the events that `run` delivers on a connection from `open`, until the daemon ends the
 * stream, the loop leaves, or `streams` is closed (then it ends without an error). A failure of the
 * stream (a refused request, a daemon gone) is thrown from the loop.
 */
export async function* iterateStream<C extends StreamConnection, T>(
  open: () => Promise<C>,
  run: (connection: C, onEvent: (event: T) => void) => Promise<void>,
  streams: StreamSet,
): AsyncGenerator<T, void, undefined> {
  const connection = await open();
  let buffered: T[] = [];
  let ended = false;
  // Widened: set by callbacks, which the compiler does not see from the loop.
  let failure = null as { error: unknown } | null;
  let wake = () => {};
  const stop = () => {
    // Ended first: the rejection that closing brings is ours, not a failure.
    ended = true;
    connection.close();
    wake();
  };
  try {
    streams.add(stop);
    // Closed while this connection opened: nothing to run.
    if (ended) return;
    run(connection, (event) => {
      buffered.push(event);
      wake();
    }).then(
      () => {
        ended = true;
        wake();
      },
      (error: unknown) => {
        if (!ended) failure = { error };
        ended = true;
        wake();
      },
    );
    for (;;) {
      if (buffered.length > 0) {
        const batch = buffered;
        buffered = [];
        yield* batch;
        continue;
      }
      if (failure) throw failure.error;
      if (ended) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    streams.delete(stop);
    connection.close();
  }
}
