// config/write-file-atomic.ts with its two fsyncs off the event loop: the same steps (a new temp
// file created exclusively, every byte written, fsync, the old file kept by hard link, rename over
// it, fsync of the directory). The fsyncs and rename of the state file took 20-50 ms of the
// daemon's loop at 1000 apps; the other steps take well under a millisecond each and stay
// synchronous, so that a write is two hops through libuv's thread pool, not eleven (its four
// threads may be busy reading /proc). A crash at any moment leaves the old file or the new one.
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AtomicWriteOptions } from '../config/write-file-atomic.js';

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
const fsync = promisify(fs.fsync);

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

/** fsync(2) of `fd` on the thread pool; the fd is closed either way. */
async function syncAndClose(fd: number): Promise<void> {
  try {
    await fsync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export async function writeFileAtomicAsync(
  file: string,
  text: string,
  { mode, backup }: AtomicWriteOptions,
): Promise<void> {
  const { tmp, fd } = createTemp(file, mode);
  const backupTmp = `${tmp}.backup`;
  try {
    let open = true;
    try {
      fs.fchmodSync(fd, mode);
      writeAll(fd, Buffer.from(text));
      open = false;
      await syncAndClose(fd);
    } finally {
      if (open) fs.closeSync(fd);
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
  await syncAndClose(fs.openSync(path.dirname(file), 'r'));
}
