// The state file: rewritten atomically (temp file, fsync, rename) after every change, at most once
// per event-loop turn, so that a daemon killed at any moment leaves a complete, recent file.
import fs from 'node:fs';
import { writeFileAtomic } from '../config/write-file-atomic.js';
import type { PoolSnapshot } from '../supervisor/process-pool.js';

const FORMAT_VERSION = 1;

export class StateStore {
  private scheduled = false;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => PoolSnapshot,
  ) {}

  load(): PoolSnapshot | null {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return null;
    }
    try {
      const data = JSON.parse(text) as { version: number; pool: PoolSnapshot };
      return data.version === FORMAT_VERSION ? data.pool : null;
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
    writeFileAtomic(this.file, JSON.stringify({ version: FORMAT_VERSION, pool: this.snapshot() }), {
      mode: 0o600,
    });
  }
}
