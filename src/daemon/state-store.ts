// The state file: rewritten atomically (temp file, fsync, rename) after every change, at most once
// per event-loop turn, so that a daemon killed at any moment leaves a complete, recent file; the
// one it replaced is kept as state.json.prev. The file is written off the event loop (async fs),
// one write at a time: the changes made while a write is in flight go into one next write.
// Taking the snapshot is the loop's, and costs with every instance: a write waits until the loop
// has had four times that cost since the last one, or 10,000 instances changing (a start, a stop)
// spent most of the loop writing the same state again, for every instance.
// A change that must be on disk at once and touches a few instances goes to the journal
// (state-journal.ts) instead, which the next write of the file takes in.
import fs from 'node:fs';
import { writeFileAtomicAsync } from '../config/write-file-atomic.js';
import type { DaemonSettingsChange } from '../protocol/daemon-settings.js';
import type { EventSink } from '../protocol/events.js';
import { daemonSettingsChange } from '../protocol/validate-request.js';
import { checkSnapshot, type PoolSnapshot } from '../supervisor/records.js';
import { EnvInterner } from './env-interner.js';
import { StateText, unpackEnvs } from './state-envs.js';
import { applyEntries, type JournalEntry, StateJournal } from './state-journal.js';

/** 2: each distinct app environment once (state-envs.ts). Version 1 files are still read. */
const FORMAT_VERSION = 2;
const READ_VERSIONS: readonly unknown[] = [1, 2];

/** What the state file holds. */
export interface DaemonState {
  pool: PoolSnapshot;
  /** The daemon-wide settings that config files applied (absent in files of older daemons). */
  settings: DaemonSettingsChange;
}

/** Settings that do not check out (a hand-edited file) are dropped: the environment's values hold. */
function readSettings(value: unknown): DaemonSettingsChange {
  try {
    return value === undefined ? {} : daemonSettingsChange(value, 'settings');
  } catch {
    return {};
  }
}

export interface LoadedState {
  /** What can be trusted: null when there is no file, or nothing in it checks out. */
  state: DaemonState | null;
  /** Why some or all of the file was left out; the file is then moved aside. */
  problems: string[];
  /** Where the file was moved, or why it could not be (the next good write replaces it). */
  movedTo?: string;
  /** The previous good file stood in for one that did not check out at all. */
  fromPrevious?: boolean;
}

export interface StateStoreDeps {
  file: string;
  snapshot: () => DaemonState;
  events: EventSink;
  log: (message: string) => void;
  /** A monotonic clock in ms (performance.now), for the spacing of snapshots. */
  now?: () => number;
}

/** Retries of a write that failed: soon, then less often, until the disk takes it again. */
const RETRY_MS = { first: 1_000, max: 30_000 };
/** The loop's time between two snapshots, as a multiple of what the last one took (see above),
 * and at most this long: one snapshot slowed by a collection must not hold back the next writes. */
const LOOP_SHARE_SPACING = 4;
const MAX_SPACING_MS = 500;

type Read = { state: DaemonState; problems: string[] } | { state: null; problems: string[] };

export class StateStore {
  /** A change not yet in a write that has begun. */
  private dirty = false;
  private scheduled = false;
  /** The write in flight, and the one queued behind it (which takes every change made meanwhile). */
  private inFlight: Promise<boolean> | null = null;
  private queued: Promise<boolean> | null = null;
  private failing: { retryMs: number; timer: NodeJS.Timeout | null } | null = null;
  private readonly text = new StateText();
  private readonly journal: StateJournal;
  private readonly now: () => number;
  /** When the last snapshot began, and what it took (`now` ms). */
  private lastBegin = { at: Number.NEGATIVE_INFINITY, tookMs: 0 };
  private readonly file: string;
  /** The last state written before the current one: what a damaged state.json falls back to. */
  readonly previousFile: string;

  constructor(private readonly deps: StateStoreDeps) {
    this.file = deps.file;
    this.previousFile = `${deps.file}.prev`;
    this.journal = new StateJournal(`${deps.file}.journal`);
    this.now = deps.now ?? (() => performance.now());
  }

  /** Reads the file and checks it as the daemon checks a request: a file that does not check out
   * (hand-edited, from another version, damaged) is moved aside and what does check out is kept;
   * when nothing of it does, the previous good file stands in. */
  load(): LoadedState {
    const main = this.read(this.file);
    if (main === null) {
      this.journal.setAside();
      return { state: null, problems: [] };
    }
    if (main.problems.length === 0) return main;
    let movedTo = `${this.file}.bad-${Date.now()}`;
    try {
      fs.renameSync(this.file, movedTo);
    } catch (error) {
      // A read-only or full home: the daemon still starts with what it can trust.
      movedTo = `nowhere: it stays as ${this.file} (${(error as NodeJS.ErrnoException).code})`;
    }
    if (main.state !== null) return { ...main, movedTo };
    const previous = this.read(this.previousFile);
    if (previous?.state && previous.problems.length === 0) {
      return { state: previous.state, problems: main.problems, movedTo, fromPrevious: true };
    }
    this.journal.setAside();
    return { state: null, problems: main.problems, movedTo };
  }

  /** A change: the changes of one event-loop turn go into one write. */
  schedule(): void {
    this.dirty = true;
    if (this.scheduled || this.failing) return;
    this.scheduled = true;
    const spacingMs = Math.min(MAX_SPACING_MS, this.lastBegin.tookMs * LOOP_SHARE_SPACING);
    const waitMs = this.lastBegin.at + this.lastBegin.tookMs + spacingMs - this.now();
    if (waitMs >= 1) setTimeout(StateStore.onScheduled, waitMs, this);
    else setImmediate(StateStore.onScheduled, this);
  }

  private static onScheduled(store: StateStore): void {
    store.scheduled = false;
    if (store.dirty) void store.save();
  }

  /** Resolves once `entry` is on disk, without writing the whole state. A journal that cannot be
   * written (a full disk) falls back on a write of the file, with its alert and retries; while
   * those fail, not on a write per entry (a snapshot of every instance each): the retries carry it. */
  async record(entry: JournalEntry): Promise<void> {
    this.schedule();
    await this.journal.append(entry).catch(() => (this.failing ? undefined : this.save()));
  }

  /** Resolves once every change made before the call is on disk (before a reply that reports one
   * leaves). While writes fail it waits for no new write: the retries carry the changes. */
  async flush(): Promise<void> {
    if (this.failing) await this.inFlight;
    else if (this.dirty) await this.save();
    else await (this.queued ?? this.inFlight);
  }

  /** Writes the state as it is now: at once, or right after the write in flight. Resolves true once
   * it is on disk. A write that fails (a full disk) keeps the previous file, raises one
   * `state-not-saved` alert and is retried until it works, which a `state-saved` event says. */
  save(): Promise<boolean> {
    if (this.queued) return this.queued;
    if (!this.inFlight) return this.begin();
    this.queued = this.inFlight.then(() => {
      this.queued = null;
      return this.begin();
    });
    return this.queued;
  }

  /** Takes the state now (one turn: a consistent snapshot) and writes it off the loop. */
  private begin(): Promise<boolean> {
    this.dirty = false;
    const at = this.now();
    const { pool, settings } = this.deps.snapshot();
    const journalSeq = this.journal.lastSeq;
    const text = this.text.of(FORMAT_VERSION, pool, settings, journalSeq);
    this.lastBegin = { at, tookMs: this.now() - at };
    const write = this.write(text, journalSeq).finally(() => {
      if (this.inFlight === write) this.inFlight = null;
    });
    this.inFlight = write;
    return write;
  }

  private async write(text: string, journalSeq: number): Promise<boolean> {
    try {
      await writeFileAtomicAsync(this.file, text, { mode: 0o600, backup: this.previousFile });
    } catch (error) {
      this.onFailure(error as NodeJS.ErrnoException);
      return false;
    }
    this.journal.dropUpTo(journalSeq);
    if (this.failing) {
      if (this.failing.timer) clearTimeout(this.failing.timer);
      this.failing = null;
      this.deps.log('state file saved again');
      this.deps.events.record({ type: 'state-saved', severity: 'info', message: 'state file saved again' });
      // Changes made while this retry was in flight were left to the retries: they go now.
      if (this.dirty) this.schedule();
    }
    return true;
  }

  /** Stops the retries (the daemon is going). */
  close(): void {
    if (this.failing?.timer) clearTimeout(this.failing.timer);
    if (this.failing) this.failing.timer = null;
  }

  private onFailure(error: NodeJS.ErrnoException): void {
    const first = this.failing === null;
    const retryMs = first ? RETRY_MS.first : Math.min(this.failing!.retryMs * 2, RETRY_MS.max);
    if (this.failing?.timer) clearTimeout(this.failing.timer);
    this.failing = { retryMs, timer: setTimeout(() => void this.save(), retryMs) };
    this.failing.timer!.unref();
    if (!first) return;
    const message = `state file not saved (${error.code ?? error.message}); the previous one is kept, retrying`;
    this.deps.log(`${message}: ${error.message}`);
    this.deps.events.record({
      type: 'state-not-saved',
      severity: 'alert',
      message,
      data: { code: error.code ?? null },
    });
  }

  /** null: no such file. */
  private read(file: string): Read | null {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return null;
    }
    try {
      const data = JSON.parse(text) as {
        version?: unknown;
        pool?: unknown;
        settings?: unknown;
        journalSeq?: unknown;
      };
      if (!READ_VERSIONS.includes(data?.version)) {
        throw new Error(
          `format version ${String(data?.version)}; this daemon reads versions ${READ_VERSIONS.join(' and ')}`,
        );
      }
      const pool = data.version === 1 ? data.pool : unpackEnvs(data.pool);
      const journalSeq = Number.isSafeInteger(data.journalSeq) ? (data.journalSeq as number) : 0;
      const checked = checkSnapshot(applyEntries(pool, this.journal.read(journalSeq)));
      // The check copies every spec: the restored apps share their equal parts again, as applied
      // ones do (1000 copies of one environment, and the state file's JSON of each, were 3 MB).
      const interner = new EnvInterner();
      const apps = checked.snapshot.apps.map((app) => ({ ...app, spec: interner.internSpec(app.spec) }));
      return {
        state: { pool: { ...checked.snapshot, apps }, settings: readSettings(data.settings) },
        problems: checked.problems,
      };
    } catch (error) {
      return { state: null, problems: [(error as Error).message] };
    }
  }
}
