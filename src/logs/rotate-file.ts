// Rotation with retention: the current file moves aside under a time-stamped name, the oldest
// rotated files beyond `maxFiles` are deleted, and compression runs in the background.
import fs from 'node:fs';
import { gzipFile } from './compress-file.js';
import { rotatedFiles, rotatedName } from './rotated-files.js';

export interface RotationPolicy {
  /** Rotated files kept (0: none, rotation just empties the file). */
  maxFiles: number;
  /** gzip rotated files, off the write path. */
  compress: boolean;
}

/** Deletes the rotated files of `file` beyond the newest `maxFiles`. */
export function pruneRotated(file: string, maxFiles: number): void {
  for (const old of rotatedFiles(file).slice(maxFiles)) {
    const plain = old.replace(/\.gz$/, '');
    fs.rmSync(plain, { force: true });
    fs.rmSync(`${plain}.gz`, { force: true });
  }
}

/**
 * Moves `file` aside; with `copy`, copies then empties it instead, for a file whose writer cannot
 * reopen it (the daemon's own stdout/stderr). The caller opens the new file.
 */
export function rotateFile(file: string, policy: RotationPolicy, nowMs: number, copy = false): void {
  const rotated = rotatedName(file, nowMs);
  if (copy) {
    fs.copyFileSync(file, rotated);
    fs.truncateSync(file, 0);
  } else {
    fs.renameSync(file, rotated);
  }
  pruneRotated(file, policy.maxFiles);
  if (policy.compress && policy.maxFiles > 0)
    void gzipFile(rotated).then(() => pruneRotated(file, policy.maxFiles));
}
