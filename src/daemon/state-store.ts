// The state file: rewritten atomically (temp file, fsync, rename) after every change, at most once
// per event-loop turn, so that a daemon killed at any moment leaves a complete, recent file.
import fs from 'node:fs';
import { writeFileAtomic } from '../config/write-file-atomic.js';
import type { DaemonSettingsChange } from '../protocol/daemon-settings.js';
import { daemonSettingsChange } from '../protocol/validate-request.js';
import type { PoolSnapshot } from '../supervisor/process-pool.js';

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

export class StateStore {
  private scheduled = false;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => DaemonState,
  ) {}

  load(): DaemonState | null {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return null;
    }
    try {
      const data = JSON.parse(text) as { version: number; pool: PoolSnapshot; settings?: unknown };
      if (data.version !== FORMAT_VERSION) return null;
      return { pool: data.pool, settings: readSettings(data.settings) };
    } catch {
      // A torn file cannot happen with rename, but a hand-edited one can: keep it for inspection.
      fs.renameSync(this.file, `${this.file}.corrupt-${Date.now()}`);
      return null;
    }
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
