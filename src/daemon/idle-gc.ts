// A burst of commands leaves garbage that V8's memory reducer gives back only up to 8 s after the
// last one; a daemon that then idles for hours should not hold it. One full collection, a second
// after the last connection closed, gives it back at once (the daemon runs with --expose-gc).

const IDLE_GC_DELAY_MS = 1000;

/** A function to call on each bit of client activity; `collect` runs once activity has settled. */
export function idleCollector(
  collect: (() => void) | undefined = globalThis.gc,
  delayMs = IDLE_GC_DELAY_MS,
): () => void {
  if (collect === undefined) return () => {};
  let timer: NodeJS.Timeout | undefined;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(collect, delayMs);
    timer.unref();
  };
}
