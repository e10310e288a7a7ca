// Writes to files in pm's home that never go through a link planted there: O_NOFOLLOW fails with
// ELOOP instead.
import fs from 'node:fs';

const { O_WRONLY, O_CREAT, O_APPEND, O_TRUNC, O_NOFOLLOW } = fs.constants;

function writeNoFollowWith(flags: number, file: string, data: string, mode: number): void {
  const fd = fs.openSync(file, flags | O_WRONLY | O_CREAT | O_NOFOLLOW, mode);
  try {
    fs.writeSync(fd, data);
  } finally {
    fs.closeSync(fd);
  }
}

export const appendNoFollow = (file: string, data: string, mode: number): void =>
  writeNoFollowWith(O_APPEND, file, data, mode);

export const writeNoFollow = (file: string, data: string, mode: number): void =>
  writeNoFollowWith(O_TRUNC, file, data, mode);

/** An append descriptor, for a log that a child process writes into. */
export const openAppendNoFollow = (file: string, mode: number): number =>
  fs.openSync(file, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, mode);
