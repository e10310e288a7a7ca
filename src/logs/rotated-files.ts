// Names of rotated log files: `<file>.<UTC time>` (plus `.gz` when compressed). A time-stamped name
// never changes once given, so a rotation never renames a file that is still being compressed.
import fs from 'node:fs';
import path from 'node:path';

const STAMP = /^(\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d\.\d{3})(?:-(\d+))?$/;

function stampOf(nowMs: number): string {
  return new Date(nowMs).toISOString().replace('T', '_').replaceAll(':', '-').replace('Z', '');
}

interface Rotated {
  path: string;
  stamp: string;
  /** Orders rotations within one millisecond. */
  count: number;
}

/** Newest first: by time stamp, then by count (numerically: -10 comes after -9). */
function listRotated(file: string): Rotated[] {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const byKey = new Map<string, Rotated>();
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    const key = rest.replace(/\.gz$/, '');
    const match = STAMP.exec(key);
    if (!match) continue;
    // While its .gz is being written, the plain file is the one that holds every line.
    if (!byKey.has(key) || rest === key)
      byKey.set(key, { path: path.join(dir, name), stamp: match[1]!, count: Number(match[2] ?? 0) });
  }
  return [...byKey.values()].sort((a, b) =>
    a.stamp === b.stamp ? b.count - a.count : a.stamp < b.stamp ? 1 : -1,
  );
}

/**
 * A fresh name for `file` rotated at `nowMs`, newer than every rotated name it has: several rotations
 * in one millisecond (or a clock set back) count on from the newest, never reusing the name of one
 * that retention already deleted, which would sort as the oldest and be deleted in turn.
 */
export function rotatedName(file: string, nowMs: number): string {
  const stamp = stampOf(nowMs);
  const newest = listRotated(file)[0];
  if (newest === undefined || newest.stamp < stamp) return `${file}.${stamp}`;
  return `${file}.${newest.stamp}-${newest.count + 1}`;
}

/**
 * The rotated copies of `file`, newest first, one path each: the `.gz` one, or the plain one while
 * its `.gz` is still being written (both exist then).
 */
export function rotatedFiles(file: string): string[] {
  return listRotated(file).map((rotated) => rotated.path);
}
