// Replace a file so that a crash at any moment leaves either the old or the new one, never half of
// either: write a temp file, fsync it, rename it over, fsync the directory.
import fs from 'node:fs';
import path from 'node:path';

export interface AtomicWriteOptions {
  mode: number;
  /** Keep the replaced file under this name (by hard link: atomic, and no copy to go wrong). */
  backup?: string;
}

export function writeFileAtomic(file: string, text: string, { mode, backup }: AtomicWriteOptions): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w', mode);
  try {
    fs.fchmodSync(fd, mode);
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  if (backup && fs.existsSync(file)) {
    const backupTmp = `${backup}.tmp-${process.pid}`;
    fs.rmSync(backupTmp, { force: true });
    fs.linkSync(file, backupTmp);
    fs.renameSync(backupTmp, backup);
  }
  fs.renameSync(tmp, file);
  const dir = fs.openSync(path.dirname(file), 'r');
  try {
    fs.fsyncSync(dir);
  } finally {
    fs.closeSync(dir);
  }
}
