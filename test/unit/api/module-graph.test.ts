// The API must stay light and separate from the CLI: importing it loads no commander, colours,
// tables or ink. Read from the built files, as Node loads them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const API_ENTRY = fileURLToPath(new URL('../../../src/api/index.js', import.meta.url));
const CLI_ONLY = ['commander', 'chalk', 'cli-table3', 'ink', 'react'];

/** Static and dynamic import specifiers of a built ES module. */
function specifiersOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const found = text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g);
  return [...found].map((match) => match[1]!);
}

/** The packages that the module graph of `entry` reaches, following our own files. */
function packagesReached(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of specifiersOf(file)) {
      if (specifier.startsWith('.')) visit(path.resolve(path.dirname(file), specifier));
      else if (!specifier.startsWith('node:')) packages.add(specifier);
    }
  };
  visit(entry);
  return packages;
}

test('the API module graph includes none of the CLI-only packages', () => {
  const packages = packagesReached(API_ENTRY);
  for (const name of CLI_ONLY) assert.ok(!packages.has(name), `the API imports ${name}`);
  // The walk did follow the graph: the daemon launcher's lock and the config loader are in it.
  assert.ok(packages.has('proper-lockfile'), `found only ${[...packages].join(', ')}`);
  assert.ok(packages.has('yaml'), `found only ${[...packages].join(', ')}`);
});
