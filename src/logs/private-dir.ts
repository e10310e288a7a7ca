// A directory only we can use, in a place others can write to (the system temp dir): created 0700
// by us, and checked to be ours, a real directory and private before each use. One someone else
// made first (planted with a predictable name) is never used: a fresh one with an unpredictable
// name takes its place.
import fs from 'node:fs';

const myUid = (): number | undefined => process.getuid?.();

function isPrivate(dir: string): boolean {
  const stat = fs.lstatSync(dir, { throwIfNoEntry: false });
  const uid = myUid();
  return stat?.isDirectory() === true && (uid === undefined || stat.uid === uid) && (stat.mode & 0o077) === 0;
}

export class PrivateDir {
  private chosen: string | null = null;

  constructor(private readonly wanted: string) {}

  /** The directory to use now; throws when none can be made. */
  path(): string {
    if (this.chosen && isPrivate(this.chosen)) return this.chosen;
    try {
      fs.mkdirSync(this.wanted, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    this.chosen = isPrivate(this.wanted) ? this.wanted : fs.mkdtempSync(`${this.wanted}-`);
    return this.chosen;
  }
}

/** A directory inside pm's private home: created on first use, nothing else to check. */
export function dirInHome(dir: string): { path(): string } {
  return {
    path: () => {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      return dir;
    },
  };
}
