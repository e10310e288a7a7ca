// PM2's ecosystem.config.js given where pm expects a script: it would run as an app that exits at
// once, in a restart loop. Recognised by its name, or by a JS file that exports `apps`.
import fs from 'node:fs';
import path from 'node:path';

const ECOSYSTEM_NAME = /^ecosystem(\.[\w-]+)*\.config\.[cm]?[jt]s$/i;
const JS_FILE = /\.[cm]?js$/i;
const EXPORTS_APPS = /(module\.exports|export\s+default)\s*=?\s*\{[\s\S]*?\bapps\s*:/;
/** A config object sits at the top of its file; reading more would only slow down a large script. */
const HEAD_BYTES = 64 * 1024;

function head(file: string): string {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(HEAD_BYTES);
      return buffer.toString('utf8', 0, fs.readSync(fd, buffer, 0, HEAD_BYTES, 0));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}

export const ECOSYSTEM_MESSAGE =
  'this is a PM2 ecosystem file: pm reads YAML configs; `pm import pm2 <file> -o pm.yaml` translates it (docs/config.md)';

/** Whether `script` (relative to `cwd`) is a PM2 ecosystem file. */
export function isPm2Ecosystem(script: string, cwd: string): boolean {
  if (/\s/.test(script.trim())) return false;
  if (ECOSYSTEM_NAME.test(path.basename(script))) return true;
  const file = path.resolve(cwd, script);
  if (!JS_FILE.test(file) || !fs.statSync(file, { throwIfNoEntry: false })?.isFile()) return false;
  return EXPORTS_APPS.test(head(file));
}
