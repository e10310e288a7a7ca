// Create the home directory private to this user, and refuse one that others could tamper with:
// whoever can write there can talk to the daemon and run commands as us.
import fs from 'node:fs';
import { PmError } from '../protocol/errors.js';

export function ensureHome(home: string): void {
  try {
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new PmError('bad-request', `cannot create PM_HOME ${home}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  checkHome(home);
}

export function checkHome(home: string): void {
  const stat = fs.statSync(home);
  if (!stat.isDirectory()) throw new PmError('bad-request', `PM_HOME ${home} is not a directory`);
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    throw new PmError(
      'bad-request',
      `PM_HOME ${home} belongs to uid ${stat.uid}, not to you (uid ${uid}): set PM_HOME to a directory of your own`,
    );
  }
  if ((stat.mode & 0o022) !== 0) {
    throw new PmError(
      'bad-request',
      `PM_HOME ${home} is writable by others (mode ${(stat.mode & 0o777).toString(8)}): run chmod 700 ${home}`,
    );
  }
}
