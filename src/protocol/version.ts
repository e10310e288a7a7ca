import { readFileSync } from 'node:fs';

// Bumped on any incompatible change to messages.ts; checked in the hello handshake.
export const PROTOCOL_VERSION = 1;

// The package version, read once from package.json (dist/src/protocol/ → the package root).
let cached: string | undefined;
export function packageVersion(): string {
  if (cached === undefined) {
    const url = new URL('../../../package.json', import.meta.url);
    cached = (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  }
  return cached;
}
