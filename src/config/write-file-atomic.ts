// Replace a file so that a crash at any moment leaves either the old or the new one, never half of
// either: write every byte to a new temp file, fsync it, rename it over, fsync the directory. Any
// failure (a full disk, a short write) leaves the old file as it was and removes the temp file.
import fs from 'node:fs';
import path from 'node:path';

export interface AtomicWriteOptions {
  mode: number;
  /** Keep the replaced file under this name (by hard link: atomic, and no copy to go wrong). */
  backup?: string;
}

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;

/** A name no one can plant in advance, created exclusively: never through an existing file or link. */
function createTemp(file: string, mode: number): { tmp: string; fd: number } {
  for (;;) {
    const tmp = `${file}.tmp-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    try {
      return { tmp, fd: fs.openSync(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** writeSync may write less than asked (a nearly full disk): go on until every byte is written. */
function writeAll(fd: number, data: Buffer): void {
  for (let offset = 0; offset < data.length; ) offset += fs.writeSync(fd, data, offset, data.length - offset);
}

export function writeFileAtomic(file: string, text: string, { mode, backup }: AtomicWriteOptions): void {
  const { tmp, fd } = createTemp(file, mode);
  const backupTmp = `${tmp}.backup`;
  try {
    try {
      fs.fchmodSync(fd, mode);
      writeAll(fd, Buffer.from(text));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (backup && fs.existsSync(file)) {
      fs.linkSync(file, backupTmp);
      fs.renameSync(backupTmp, backup);
    }
    fs.renameSync(tmp, file);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    fs.rmSync(backupTmp, { force: true });
    throw error;
  }
  const dir = fs.openSync(path.dirname(file), 'r');
  try {
    fs.fsyncSync(dir);
  } finally {
    fs.closeSync(dir);
  }
}
