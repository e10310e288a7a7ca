// What execvp would run for a program name: shared by the CLI's check before it defines an app
// and the daemon's preflight before it forks.
import fs from 'node:fs';
import path from 'node:path';

export const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';

/** A regular file we may execute. */
export function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The path `name` would run as, or null: a name with a slash is taken from `cwd`, others from PATH. */
export function findExecutable(name: string, pathEnv: string | undefined, cwd: string): string | null {
  if (name.includes('/')) {
    const file = path.resolve(cwd, name);
    return isExecutableFile(file) ? file : null;
  }
  for (const dir of (pathEnv ?? DEFAULT_PATH).split(':')) {
    const file = path.join(dir || '.', name);
    if (isExecutableFile(path.resolve(cwd, file))) return file;
  }
  return null;
}

/**
 * Whether `uid`:`gid` may execute `file` by its mode bits: root's X_OK above says nothing about
 * another user. Supplementary groups do not count: an app that switches user has none.
 */
export function isExecutableBy(file: string, uid: number, gid: number): boolean {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) return false;
  if (uid === 0) return (stat.mode & 0o111) !== 0;
  const bit = stat.uid === uid ? 0o100 : stat.gid === gid ? 0o010 : 0o001;
  return (stat.mode & bit) !== 0;
}
