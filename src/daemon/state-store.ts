// The state file: rewritten atomically (temp file, fsync, rename) after every change, at most once
// per event-loop turn, so that a daemon killed at any moment leaves a complete, recent file.
import fs from 'node:fs';
import { writeFileAtomic } from '../config/write-file-atomic.js';
import type { DaemonSettingsChange } from '../protocol/daemon-settings.js';
import { daemonSettingsChange } from '../protocol/validate-request.js';
import { checkSnapshot, type PoolSnapshot } from '../supervisor/records.js';

const FORMAT_VERSION = 1;

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
  /** Where the file was moved. */
  movedTo?: string;
}

export class StateStore {
  private scheduled = false;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => DaemonState,
  ) {}

  /** Reads the file and checks it as the daemon checks a request: a file that does not check out
   * (hand-edited, from another version, damaged) is moved aside and what does check out is kept. */
  load(): LoadedState {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return { state: null, problems: [] };
    }
    let state: DaemonState | null = null;
    let problems: string[];
    try {
      const data = JSON.parse(text) as { version?: unknown; pool?: unknown; settings?: unknown };
      if (data?.version !== FORMAT_VERSION) {
        throw new Error(
          `format version ${String(data?.version)}; this daemon reads version ${FORMAT_VERSION}`,
        );
      }
      const checked = checkSnapshot(data.pool);
      state = { pool: checked.snapshot, settings: readSettings(data.settings) };
      problems = checked.problems;
    } catch (error) {
      problems = [(error as Error).message];
    }
    if (problems.length === 0) return { state, problems };
    const movedTo = `${this.file}.bad-${Date.now()}`;
    fs.renameSync(this.file, movedTo);
    return { state, problems, movedTo };
  }

  /** Coalesces the changes of one event-loop turn into one write. */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.writeNow();
    });
  }

  writeNow(): void {
    const { pool, settings } = this.snapshot();
    writeFileAtomic(this.file, JSON.stringify({ version: FORMAT_VERSION, pool, settings }), {
      mode: 0o600,
    });
  }
}
