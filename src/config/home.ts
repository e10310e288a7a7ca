// Create the home directory private to this user, and refuse one that others could tamper with:
// whoever can write there, or in a directory above it, can swap it, talk to the daemon and run
// commands as us. The checks are ssh's StrictModes for ~/.ssh.
import fs from 'node:fs';
import path from 'node:path';
import { PmError } from '../protocol/errors.js';

export function ensureHome(home: string): void {
  // Before anything is made: a directory created under one that another user owns would be theirs
  // to move or replace, even if refused right after.
  checkAncestors(home, existingParent(home));
  try {
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new PmError('bad-request', `cannot create PM_HOME ${home}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  checkHome(home);
}

const myUid = (): number | undefined => process.getuid?.();

/** Root's or ours: anyone else could rename or replace what is inside. */
const trusted = (uid: number): boolean => uid === 0 || uid === myUid();

/** Every directory above the home: owned by root or us, and writable by no one else, except a
 * sticky one (as /tmp), where others cannot move what we own. */
function checkAncestors(home: string, from = path.dirname(home)): void {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const stat = fs.statSync(dir);
    if (!trusted(stat.uid)) {
      throw new PmError(
        'bad-request',
        `PM_HOME ${home} is inside ${dir}, which belongs to uid ${stat.uid}: its owner could replace the home; choose a PM_HOME under directories of your own or root's`,
      );
    }
    if ((stat.mode & 0o022) !== 0 && (stat.mode & 0o1000) === 0) {
      throw new PmError(
        'bad-request',
        `PM_HOME ${home} is inside ${dir}, which others can write to (mode ${(stat.mode & 0o7777).toString(8)}): run chmod go-w ${dir}, or choose another PM_HOME`,
      );
    }
    if (dir === path.dirname(dir)) return;
  }
}

/** The nearest directory above `home` that exists (`/` at worst). */
function existingParent(home: string): string {
  let dir = path.dirname(home);
  while (dir !== path.dirname(dir) && !fs.existsSync(dir)) dir = path.dirname(dir);
  return dir;
}

export function checkHome(home: string): void {
  const stat = fs.statSync(home);
  if (!stat.isDirectory()) throw new PmError('bad-request', `PM_HOME ${home} is not a directory`);
  const uid = myUid();
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
  checkAncestors(home);
}
