// The pipes of instances that are no longer defined (a daemon killed in the middle of a delete or a
// scale-down): removed at start, once the pool is restored, so that nothing of a deleted app but
// its logs stays in the home.
import fs from 'node:fs';
import path from 'node:path';

/** Removes the FIFOs in `dir` that are not in `keep`; returns how many went. */
export function removeStrayPipes(dir: string, keep: ReadonlySet<string>): number {
  let removed = 0;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const file = path.join(dir, name);
    if (keep.has(file)) continue;
    try {
      if (!fs.lstatSync(file).isFIFO()) continue;
      fs.unlinkSync(file);
      removed += 1;
    } catch {
      // gone meanwhile
    }
  }
  return removed;
}
