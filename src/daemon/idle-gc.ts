// A burst of commands leaves garbage that V8's memory reducer gives back late or never while the
// monitor keeps allocating: 20 s after a start of 1000 apps the daemon still held 85-100 MB, where
// full collections leave 61 MB. So the daemon runs them itself (it runs with --expose-gc), once
// it has had no request in flight for a second, and only when the old generation grew enough or
// was left fragmented.
import v8 from 'node:v8';

const IDLE_GC_DELAY_MS = 1000;
/** Between the collection and its follow-up: timers and I/O run between the two pauses. */
const FOLLOW_UP_DELAY_MS = 100;

/**
 * Growth of the old generation's objects (live and dead) since the last idle collection, as a
 * share of what that one left, that is worth a full collection, whose pause grows with what it
 * keeps: a start of 1000 apps doubles it, a `pm list` at 1000 apps adds 0.1 MB to 13 MB, not worth
 * a 15-35 ms pause (V8 collects it with its own, mostly concurrent, ones); 20 commands at 0 apps
 * add a tenth to 3 MB, which 2-3 ms give back.
 */
export const WORTH_COLLECTING_SHARE = 1 / 16;

/** The old generation: bytes of its pages, and of the objects in them. */
export interface OldSpace {
  size: number;
  used: number;
}

function readOldSpace(): OldSpace {
  const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space');
  return { size: space?.space_size ?? 0, used: space?.space_used_size ?? 0 };
}

/**
 * Past this much live old generation (what the last collection kept) no full collection is
 * forced: its pause holds the loop about 2 ms per MB it keeps (21-23 ms for 12 MB at 1000
 * instances; 300-400 ms at 10,000, longer than any turn may take). V8's own collections, mostly
 * incremental and concurrent, go on alone there. The first collection after a start of 10,000
 * still runs (the last one kept little): skipping it too left the daemon at 360 MB instead of
 * 230-280, for no shorter loop delay measured.
 */
export const MAX_COLLECTED_BYTES = 24 * 2 ** 20;

/** Free space in the old generation's pages worth moving objects out of, past a tenth of it. */
const FRAGMENTATION_WORTH_BYTES = 2 * 2 ** 20;

const freeIn = ({ size, used }: OldSpace) => size - used;

/**
 * Whether a collection left enough free space inside the old generation's pages for a second one
 * to move objects together and give pages back: after the start of 1000 instances, 19.5 MB of
 * pages for 12.4 MB of objects. The first cannot: it chooses the pages to empty before it finds
 * what is garbage in them.
 */
export function worthCompacting(space: OldSpace): boolean {
  return freeIn(space) > FRAGMENTATION_WORTH_BYTES && freeIn(space) > space.size / 10;
}

/** `gc` with V8 favouring memory for this one collection: it then also empties pages that are
 * partly used (1000 instances: 61 MB of RSS after it, 66 MB after a regular one, for a pause of
 * 21-23 ms, where compacting the whole generation took 30 ms, and 40-70 ms on a loaded machine). */
export function sparing(gc: () => void): () => void {
  return () => {
    v8.setFlagsFromString('--optimize-for-size');
    try {
      gc();
    } finally {
      v8.setFlagsFromString('--no-optimize-for-size');
    }
  };
}

export interface IdleCollectorOptions {
  /** The full collection; none (without --expose-gc): the collector does nothing. */
  collect?: (() => void) | undefined;
  delayMs?: number;
  oldSpace?: () => OldSpace;
}

/**
 * Runs a full collection once no request has been in flight for `delayMs`, never while one is:
 * one run in the middle of a start or a `stop all` of 1000 instances added its 15-40 ms to the
 * longest turns of the loop. When it leaves the old generation fragmented, a sparing one follows
 * in a later turn, so that neither pause holds the loop for long; a sparing one alone gives back
 * the pages V8's own collections emptied.
 */
export class IdleCollector {
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly collect: (() => void) | undefined;
  private readonly delayMs: number;
  private readonly oldSpace: () => OldSpace;
  /** Old-generation bytes in use, and free in its pages, after the last collection (or at start). */
  private usedAfterLast: number;
  private freeAfterLast: number;
  private followUpDue = false;

  constructor(options: IdleCollectorOptions = {}) {
    this.collect = 'collect' in options ? options.collect : globalThis.gc;
    this.delayMs = options.delayMs ?? IDLE_GC_DELAY_MS;
    this.oldSpace = options.oldSpace ?? readOldSpace;
    const space = this.collect ? this.oldSpace() : { size: 0, used: 0 };
    this.usedAfterLast = space.used;
    this.freeAfterLast = freeIn(space);
  }

  /** A request came in: no collection until it has been answered. */
  begin(): void {
    this.inFlight += 1;
    clearTimeout(this.timer);
  }

  /** A request was answered. */
  end(): void {
    this.inFlight -= 1;
    this.activity();
  }

  /** Something that leaves garbage ended (a connection, a stream): the delay starts again. */
  activity(): void {
    if (this.collect && this.inFlight === 0) this.arm(this.delayMs);
  }

  private arm(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.collectIfWorth(this.collect!), delayMs);
    this.timer.unref();
  }

  private collectIfWorth(collect: () => void): void {
    if (this.inFlight > 0) return;
    const space = this.oldSpace();
    // V8's own collections may have left less than the last one did.
    this.usedAfterLast = Math.min(this.usedAfterLast, space.used);
    if (this.usedAfterLast > MAX_COLLECTED_BYTES) {
      this.followUpDue = false;
      return;
    }
    const grown = space.used - this.usedAfterLast > this.usedAfterLast * WORTH_COLLECTING_SHARE;
    // Pages that V8's own collections emptied (a delete of 1000 apps: 25 MB of pages for 5 MB of
    // objects) stay until a collection moves what is left in them.
    const emptied = worthCompacting(space) && freeIn(space) > this.freeAfterLast + FRAGMENTATION_WORTH_BYTES;
    if (this.followUpDue || (emptied && !grown)) {
      this.followUpDue = false;
      sparing(collect)();
    } else if (grown) {
      collect();
      this.followUpDue = worthCompacting(this.oldSpace());
      if (this.followUpDue) this.arm(FOLLOW_UP_DELAY_MS);
    } else return;
    const left = this.oldSpace();
    this.usedAfterLast = left.used;
    this.freeAfterLast = freeIn(left);
  }
}
