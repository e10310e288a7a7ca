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

/** The rotated siblings of `file`, newest first, compressed ones included. */
export function rotatedFiles(file: string): string[] {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const keyOf = (name: string) => name.slice(prefix.length).replace(/\.gz$/, '');
  return names
    .filter((name) => name.startsWith(prefix) && STAMP.test(keyOf(name)))
    .sort((a, b) => {
      const [ka, kb] = [keyOf(a), keyOf(b)];
      return ka === kb ? 0 : ka < kb ? 1 : -1;
    })
    .map((name) => path.join(dir, name));
}
