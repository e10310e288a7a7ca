// Who forks the next run: the daemon itself while it has few children, else a fork helper with
// room. Past a thousand children a fork by the daemon costs milliseconds (its page tables are
// copied) and each child's exit costs a look at every child (libuv's SIGCHLD handler); helpers
// keep both bounded (docs/architecture.md "Forking at scale").
import fs from 'node:fs';
import path from 'node:path';
import type { ExitPace } from './exit-pace.js';
import { ForkHelper, type OrphanedRuns } from './fork-helper.js';

export interface ForkHelpersOptions {
  /** The helper's script. */
  entry: string;
  /** A private directory where each helper's FIFOs are made (the daemon's home). */
  dir: string;
  /** Children the daemon forks itself before helpers fork the rest (PM_DIRECT_CHILDREN). */
  directMax: number;
  /** Runs one helper forks at most. */
  perHelper: number;
  orphaned: OrphanedRuns;
  exits: ExitPace;
}

/** Children the daemon forks itself by default: past a thousand or so its forks take more time
 * than a helper's (docs/performance.md), and a thousand instances need no helper. */
const DIRECT_MAX = 1200;

/** PM_DIRECT_CHILDREN, a count from 0 (every run without listen: sockets forks through a helper). */
export function readDirectMax(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.PM_DIRECT_CHILDREN;
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : DIRECT_MAX;
}

/** Forks before a helper is needed at which one is started (it takes a tenth of a second). */
const START_AHEAD = 100;

/** A helper that ended before it listened is not started again for this long. */
const RETRY_START_MS = 10_000;

export class ForkHelpers {
  private direct = 0;
  private helpers: ForkHelper[] = [];
  private failedStartAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: ForkHelpersOptions) {
    // FIFO directories of helpers of a daemon that was killed before it opened them.
    for (const name of fs.readdirSync(options.dir)) {
      if (name.startsWith('forker-'))
        fs.rmSync(path.join(options.dir, name), { recursive: true, force: true });
    }
    this.prepare();
  }

  /** A run the daemon forked itself: counted until it ends. */
  countDirect(child: { on(event: 'exit', listener: () => void): unknown }): void {
    this.direct++;
    child.on('exit', () => {
      this.direct--;
      this.retireIdle();
    });
  }

  /** Helpers without runs are closed while the daemon forks its own (after a scale down). */
  private retireIdle(): void {
    if (this.direct + START_AHEAD >= this.options.directMax) return;
    for (const helper of this.helpers) if (helper.ready && helper.size === 0) helper.close();
    this.forgetEnded();
  }

  /** Drops the helpers that are gone; one gone before it ever listened delays the next start. */
  private forgetEnded(): void {
    if (!this.helpers.some((helper) => helper.ended)) return;
    if (this.helpers.some((helper) => helper.ended && !helper.everReady)) this.failedStartAt = Date.now();
    this.helpers = this.helpers.filter((helper) => !helper.ended);
  }

  /** The helper to fork the next run through; null: the daemon forks it (it has few children, or
   * no helper with room is ready yet). */
  pick(): ForkHelper | null {
    const { directMax, perHelper } = this.options;
    this.prepare();
    if (this.direct < directMax) return null;
    return this.helpers.find((helper) => helper.ready && helper.size < perHelper) ?? null;
  }

  /** A helper is started ahead of need, so that forks need not wait for one. */
  private prepare(): void {
    const { directMax, perHelper } = this.options;
    if (this.direct + START_AHEAD < directMax) return;
    this.forgetEnded();
    const room = this.helpers.some((helper) => !helper.ready || helper.size + START_AHEAD < perHelper);
    if (!room && Date.now() - this.failedStartAt >= RETRY_START_MS) this.start();
  }

  private start(): void {
    const { entry, dir, orphaned, exits } = this.options;
    let made: string | null = null;
    try {
      made = fs.mkdtempSync(path.join(dir, 'forker-'));
      this.helpers.push(
        new ForkHelper({ entry, dir: made, orphaned, exits, onIdle: () => this.retireIdle() }),
      );
    } catch {
      if (made) fs.rmSync(made, { recursive: true, force: true });
      this.failedStartAt = Date.now();
    }
  }
}
