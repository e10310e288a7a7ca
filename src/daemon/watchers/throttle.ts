// A call that follows the pool's changes: at once after a quiet interval, else at most once per
// interval, since a crash loop of 1000 apps changes the pool all the time.
export interface Throttled {
  /** Asks for a call: now if the last was an interval ago, else at the end of the interval. */
  trigger(): void;
  /** Calls now (and counts it as the last call). */
  now(): void;
  cancel(): void;
}

export function throttle(call: () => void, intervalMs: number): Throttled {
  let timer: NodeJS.Timeout | null = null;
  let last = 0;
  const now = () => {
    last = Date.now();
    call();
  };
  return {
    trigger: () => {
      if (timer) return;
      timer = setTimeout(
        () => {
          timer = null;
          now();
        },
        Math.max(0, last + intervalMs - Date.now()),
      );
    },
    now,
    cancel: () => {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
