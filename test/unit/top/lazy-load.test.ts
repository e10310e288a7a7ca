// `pm list` must not pay for ink and react: walk the static imports of the built CLI entry and of
// every command module (main.ts loads the one being run), and check that none reaches ink, react
// or src/top.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const DIST_SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src');
const STATIC_IMPORT = /^\s*import\s+(?!type\b)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

function staticImports(file: string): string[] {
  return [...fs.readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)].map((m) => m[1]!);
}

function reachable(...entries: string[]): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const specifier of staticImports(file)) {
      if (specifier.startsWith('.')) queue.push(path.resolve(path.dirname(file), specifier));
      else
        packages.add(
          specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!,
        );
    }
  }
  return { files, packages };
}

test('no command but top reaches ink, react or src/top through static imports', () => {
  const commands = path.join(DIST_SRC, 'cli/commands');
  const entries = [
    path.join(DIST_SRC, 'cli/main.js'),
    ...fs
      .readdirSync(commands)
      .filter((name) => name.endsWith('.js') && name !== 'top.js')
      .map((name) => path.join(commands, name)),
  ];
  assert.ok(entries.some((file) => file.endsWith('list.js')));
  for (const entry of entries) {
    const { files, packages } = reachable(entry);
    for (const banned of ['ink', 'react']) assert.ok(!packages.has(banned), `${entry} imports ${banned}`);
    const top = [...files].filter((f) => f.includes(`${path.sep}top${path.sep}`));
    assert.deepEqual(top, [], `${entry} reaches src/top`);
  }
});

test('the walk does see ink from the top app itself (the check would notice a static import)', () => {
  const { packages } = reachable(path.join(DIST_SRC, 'top/run-top.js'));
  assert.ok(packages.has('ink') && packages.has('react'));
});
