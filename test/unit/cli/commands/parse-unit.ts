// Read a systemd unit's text back into sections and keys, to assert on what `pm startup` writes.
import assert from 'node:assert/strict';

/** `[Section]` → key → values (a key may repeat, like Environment=). */
export function parseUnit(text: string): Record<string, Record<string, string[]>> {
  const sections: Record<string, Record<string, string[]>> = {};
  let current: Record<string, string[]> | undefined;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      current = {};
      sections[header[1]!] = current;
      continue;
    }
    const eq = line.indexOf('=');
    assert.ok(current && eq > 0, `not a unit line: ${line}`);
    const key = line.slice(0, eq);
    current[key] = [...(current[key] ?? []), line.slice(eq + 1)];
  }
  return sections;
}
