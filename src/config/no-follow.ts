// Writes to files in pm's home that never go through a link planted there: O_NOFOLLOW fails with
// ELOOP instead.
import fs from 'node:fs';

const { O_WRONLY, O_CREAT, O_APPEND, O_TRUNC, O_NOFOLLOW } = fs.constants;

export function appendNoFollow(file: string, data: string, mode: number): void {
  const fd = fs.openSync(file, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, mode);
  try {
    fs.writeSync(fd, data);
  } finally {
    fs.closeSync(fd);
  }
}

export function writeNoFollow(file: string, data: string, mode: number): void {
  const fd = fs.openSync(file, O_WRONLY | O_TRUNC | O_CREAT | O_NOFOLLOW, mode);
  try {
    fs.writeSync(fd, data);
  } finally {
    fs.closeSync(fd);
  }
}

/** An append descriptor, for a log that a child process writes into. */
export const openAppendNoFollow = (file: string, mode: number): number =>
  fs.openSync(file, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, mode);
