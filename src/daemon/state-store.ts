// The state file: rewritten atomically (temp file, fsync, rename) after every change, at most once
// per event-loop turn, so that a daemon killed at any moment leaves a complete, recent file; the
// one it replaced is kept as state.json.prev.
import fs from 'node:fs';
import { writeFileAtomic } from '../config/write-file-atomic.js';
import type { DaemonSettingsChange } from '../protocol/daemon-settings.js';
import type { EventSink } from '../protocol/events.js';
import { daemonSettingsChange } from '../protocol/validate-request.js';
import { checkSnapshot, type PoolSnapshot } from '../supervisor/records.js';
import { packEnvs, unpackEnvs } from './state-envs.js';

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
}

/** Retries of a write that failed: soon, then less often, until the disk takes it again. */
const RETRY_MS = { first: 1_000, max: 30_000 };

type Read = { state: DaemonState; problems: string[] } | { state: null; problems: string[] };

export class StateStore {
  private scheduled = false;
  private failing: { retryMs: number; timer: NodeJS.Timeout | null } | null = null;
  private readonly file: string;
  /** The last state written before the current one: what a damaged state.json falls back to. */
  readonly previousFile: string;

  constructor(private readonly deps: StateStoreDeps) {
    this.file = deps.file;
    this.previousFile = `${deps.file}.prev`;
  }

  /** Reads the file and checks it as the daemon checks a request: a file that does not check out
   * (hand-edited, from another version, damaged) is moved aside and what does check out is kept;
   * when nothing of it does, the previous good file stands in. */
  load(): LoadedState {
    const main = this.read(this.file);
    if (main === null) return { state: null, problems: [] };
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
    return { state: null, problems: main.problems, movedTo };
  }

  /** Coalesces the changes of one event-loop turn into one write. */
  schedule(): void {
    if (this.scheduled || this.failing) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** The pending write, now (before a reply that reports the change leaves). */
  flush(): void {
    if (!this.scheduled) return;
    this.scheduled = false;
    this.writeNow();
  }

  /** Writes the state now. A write that fails (a full disk) keeps the previous file, raises one
   * `state-not-saved` alert and is retried until it works, which a `state-saved` event says. */
  writeNow(): boolean {
    const { pool, settings } = this.deps.snapshot();
    try {
      writeFileAtomic(
        this.file,
        JSON.stringify({ version: FORMAT_VERSION, pool: packEnvs(pool), settings }),
        {
          mode: 0o600,
          backup: this.previousFile,
        },
      );
    } catch (error) {
      this.onFailure(error as NodeJS.ErrnoException);
      return false;
    }
    if (this.failing) {
      if (this.failing.timer) clearTimeout(this.failing.timer);
      this.failing = null;
      this.deps.log('state file saved again');
      this.deps.events.record({ type: 'state-saved', severity: 'info', message: 'state file saved again' });
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
    this.failing = { retryMs, timer: setTimeout(() => this.writeNow(), retryMs) };
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
      const data = JSON.parse(text) as { version?: unknown; pool?: unknown; settings?: unknown };
      if (!READ_VERSIONS.includes(data?.version)) {
        throw new Error(
          `format version ${String(data?.version)}; this daemon reads versions ${READ_VERSIONS.join(' and ')}`,
        );
      }
      const checked = checkSnapshot(data.version === 1 ? data.pool : unpackEnvs(data.pool));
      return {
        state: { pool: checked.snapshot, settings: readSettings(data.settings) },
        problems: checked.problems,
      };
    } catch (error) {
      return { state: null, problems: [(error as Error).message] };
    }
  }
}
