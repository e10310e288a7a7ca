// The output pipes the daemon holds open. A pipe is read through a descriptor only while its app
// writes: one quiet for `idleMs`, or the least recently read one when more than `max()` are open,
// is put to sleep (closed and watched instead: inotify needs no descriptor) and wakes at its app's
// next write. So 10,000 mostly quiet instances do not need 40,000 descriptors in one process, and
// a burst of writers past the budget takes turns.
// A watch event can be lost (inotify's queue overflows when thousands of sleeping pipes are written
// at once while the loop is busy): every sleeping pipe is also checked now and then, so that an
// app is never left blocked on a full pipe that nobody reads.

/** A pipe that can let go of its descriptor. */
export interface Sleeper {
  /** Closes the descriptor and watches the pipe instead; false when it cannot be watched (it stays
   * open, outside the budget). */
  sleep(): boolean;
  /** Asleep: reads what waits in the pipe, and wakes if there was any. */
  check(): void;
}

export interface AwakePipesOptions {
  /** Pipes open at most (a share of the daemon's open-file limit, which is raised after start). */
  max: () => number;
  idleMs: number;
  now: () => number;
  /** The shortest time between two passes of checks (MIN_PASS_MS). */
  minPassMs?: number;
}

/** Pipes put to sleep per event-loop turn: each costs a watch, a close and a last read (~30 µs). */
const SLEEPS_PER_TURN = 64;
/** Sleeping pipes checked per turn (~15 µs each: an open, a read that finds nothing, a close). */
const CHECKS_PER_TURN = 128;
/** Each sleeping pipe is checked once per pass: passes are 5 ms per pipe apart, from 30 s to one
 * minute, which keeps the checks near 0.1 % of a core at 1000 instances (2,000 pipes, every 30 s)
 * and about 0.5 % at 10,000 (20,000 pipes, every minute). */
const PASS_MS_PER_PIPE = 5;
const MIN_PASS_MS = 30_000;
const MAX_PASS_MS = 60_000;

export class AwakePipes {
  /** Least recently read first, with when each was last read. */
  private readonly awake = new Map<Sleeper, number>();
  private readonly asleep = new Set<Sleeper>();
  private sweepTimer: NodeJS.Timeout | null = null;
  private checkTimer: NodeJS.Timeout | null = null;
  /** The pass of checks in progress. */
  private checking: Iterator<Sleeper> | null = null;

  constructor(private readonly options: AwakePipesOptions) {}

  get size(): number {
    return this.awake.size;
  }

  /** `pipe` opened its descriptor: past the budget, the least recently read pipes go to sleep. */
  woke(pipe: Sleeper): void {
    this.asleep.delete(pipe);
    this.read(pipe);
    const max = Math.max(1, this.options.max());
    for (const other of [...this.take(this.awake.size - max, pipe)]) {
      if (!other.sleep()) this.awake.delete(other);
    }
  }

  /** `pipe` was read: the most recently used now. */
  read(pipe: Sleeper): void {
    this.awake.delete(pipe);
    this.awake.set(pipe, this.options.now());
    if (this.sweepTimer === null) this.scheduleSweep();
  }

  /** `pipe` closed its descriptor and watches its pipe. */
  slept(pipe: Sleeper): void {
    this.awake.delete(pipe);
    this.asleep.add(pipe);
    if (this.checkTimer === null) this.scheduleChecks();
  }

  /** `pipe` is closed for good. */
  forget(pipe: Sleeper): void {
    this.awake.delete(pipe);
    this.asleep.delete(pipe);
  }

  /** The `count` least recently read pipes other than `except`. */
  private *take(count: number, except: Sleeper): Generator<Sleeper> {
    let left = count;
    for (const pipe of this.awake.keys()) {
      if (left <= 0) return;
      if (pipe === except) continue;
      left -= 1;
      yield pipe;
    }
  }

  private scheduleSweep(): void {
    this.sweepTimer = setTimeout(AwakePipes.sweep, this.options.idleMs / 2, this);
    this.sweepTimer.unref();
  }

  /** Puts the pipes quiet for `idleMs` to sleep, a slice per turn: the oldest come first, so it
   * stops at the first recent one. */
  private static sweep(pipes: AwakePipes): void {
    const quietSince = pipes.options.now() - pipes.options.idleMs;
    let slept = 0;
    for (const [pipe, readAt] of pipes.awake) {
      if (readAt > quietSince) break;
      if (slept === SLEEPS_PER_TURN) {
        setImmediate(AwakePipes.sweep, pipes);
        return;
      }
      if (!pipe.sleep()) pipes.awake.delete(pipe);
      slept += 1;
    }
    pipes.sweepTimer = null;
    if (pipes.awake.size > 0) pipes.scheduleSweep();
  }

  private scheduleChecks(): void {
    if (this.asleep.size === 0) return;
    const minPassMs = this.options.minPassMs ?? MIN_PASS_MS;
    const passMs = Math.min(MAX_PASS_MS, Math.max(minPassMs, this.asleep.size * PASS_MS_PER_PIPE));
    this.checkTimer = setTimeout(AwakePipes.check, passMs, this);
    this.checkTimer.unref();
  }

  /** One pass over the sleeping pipes, a slice per turn (a Set's iterator survives changes to it). */
  private static check(pipes: AwakePipes): void {
    pipes.checking ??= pipes.asleep.values();
    for (let i = 0; i < CHECKS_PER_TURN; i++) {
      const next = pipes.checking.next();
      if (next.done) {
        pipes.checking = null;
        pipes.checkTimer = null;
        pipes.scheduleChecks();
        return;
      }
      next.value.check();
    }
    setImmediate(AwakePipes.check, pipes);
  }
}
