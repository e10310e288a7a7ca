// Facts about the installed package, not the protocol: where it lives, its built entries, its version.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The installed package's root: the nearest folder above this module with a package.json. Works
// the same from dist/src/... and from the bundled CLI.
let root: string | undefined;
export function packageRoot(): string {
  if (root === undefined) {
    let dir = path.dirname(fileURLToPath(import.meta.url));
    while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
    root = dir;
  }
  return root;
}

/** The daemon's built entry, relative to the package root; its name also marks a daemon in /proc. */
export const DAEMON_ENTRY = 'dist/pm-daemon.cjs';

/** Runs a bundle with a V8 code cache (`node bin/load-bundle.cjs <bundle>`), relative to the package root. */
export const BUNDLE_LOADER = 'bin/load-bundle.cjs';

let version: string | undefined;
export function packageVersion(): string {
  version ??= (
    JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }
  ).version;
  return version;
}
