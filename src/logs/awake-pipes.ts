// The output pipes the daemon holds open. A pipe is read through a descriptor only while its app
// writes: one quiet for `idleMs`, or the least recently read one when more than `max()` are open,
// is put to sleep (closed and watched instead: inotify needs no descriptor) and wakes at its app's
// next write. So 10,000 mostly quiet instances do not need 20,000 descriptors in one process, and
// a burst of writers past the budget takes turns instead of failing with EMFILE.

/** A pipe that can let go of its descriptor. */
export interface Sleeper {
  /** Closes the descriptor and watches the pipe instead; a pipe that cannot be watched stays awake. */
  sleep(): void;
}

export interface AwakePipesOptions {
  /** Pipes open at most (a share of the daemon's open-file limit, which is raised after start). */
  max: () => number;
  idleMs: number;
  now: () => number;
}

/** Pipes put to sleep per event-loop turn: each costs a watch, a close and a last read (~30 µs). */
const SLEEPS_PER_TURN = 64;

export class AwakePipes {
  /** Least recently read first, with when each was last read. */
  private readonly awake = new Map<Sleeper, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: AwakePipesOptions) {}

  get size(): number {
    return this.awake.size;
  }

  /** `pipe` opened its descriptor: past the budget, the least recently read pipes go to sleep. */
  woke(pipe: Sleeper): void {
    this.read(pipe);
    const max = Math.max(1, this.options.max());
    // Each is asked once: one that cannot sleep (no watch left) stays, and the loop ends.
    for (const other of [...this.take(this.awake.size - max, pipe)]) other.sleep();
  }

  /** `pipe` was read: the most recently used now. */
  read(pipe: Sleeper): void {
    this.awake.delete(pipe);
    this.awake.set(pipe, this.options.now());
    if (this.timer === null) this.schedule();
  }

  /** `pipe` closed its descriptor. */
  slept(pipe: Sleeper): void {
    this.awake.delete(pipe);
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

  private schedule(): void {
    this.timer = setTimeout(AwakePipes.sweep, this.options.idleMs / 2, this);
    this.timer.unref();
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
      pipe.sleep();
      // One that could not sleep would be met again at once: it waits for the next sweep.
      if (pipes.awake.has(pipe)) pipes.read(pipe);
      slept += 1;
    }
    pipes.timer = null;
    if (pipes.awake.size > 0) pipes.schedule();
  }
}
