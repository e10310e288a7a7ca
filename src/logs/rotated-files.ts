// Names of rotated log files: `<file>.<UTC time>` (plus `.gz` when compressed). A time-stamped name
// never changes once given, so a rotation never renames a file that is still being compressed.
import fs from 'node:fs';
import path from 'node:path';

const STAMP = /^\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d\.\d{3}(-\d+)?$/;

function stampOf(nowMs: number): string {
  return new Date(nowMs).toISOString().replace('T', '_').replaceAll(':', '-').replace('Z', '');
}

/** A fresh name for `file` rotated at `nowMs`. */
export function rotatedName(file: string, nowMs: number): string {
  const base = `${file}.${stampOf(nowMs)}`;
  let name = base;
  for (let n = 1; fs.existsSync(name) || fs.existsSync(`${name}.gz`); n++) name = `${base}-${n}`;
  return name;
}

/**
 * The rotated copies of `file`, newest first, one path each: the `.gz` one, or the plain one while
 * its `.gz` is still being written (both exist then).
 */
export function rotatedFiles(file: string): string[] {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const byStamp = new Map<string, string>();
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    const stamp = rest.replace(/\.gz$/, '');
    if (!STAMP.test(stamp)) continue;
    if (!byStamp.has(stamp) || rest === stamp) byStamp.set(stamp, path.join(dir, name));
  }
  return [...byStamp.keys()]
    .sort()
    .reverse()
    .map((stamp) => byStamp.get(stamp)!);
}
