// Which file each stream of an instance writes: the app's own `out_file`/`err_file` (shared by all
// its instances), one file per app with `merge`, else one per instance under $PM_HOME/logs.
import path from 'node:path';
import { instanceLogPath, type PmPaths } from '../config/paths.js';
import type { AppSpec } from '../protocol/app-spec.js';
import type { LogStream } from '../protocol/log-line.js';

function streamPath(paths: PmPaths, spec: AppSpec, index: number, stream: LogStream): string {
  const own = stream === 'out' ? spec.logs.outFile : spec.logs.errFile;
  if (own !== undefined) return path.resolve(spec.cwd, own);
  if (spec.logs.merge) return path.join(paths.logDir, `${spec.name}.${stream}.log`);
  return instanceLogPath(paths, spec.name, index, stream);
}

// Also called when an app is defined again, so a changed setting moves its files.
export function instanceLogPaths(paths: PmPaths, spec: AppSpec, index: number): Record<LogStream, string> {
  return { out: streamPath(paths, spec, index, 'out'), err: streamPath(paths, spec, index, 'err') };
}

/** Where lines go when their file cannot be written: pm's own directory, then a private directory
 * of ours in the system temp dir (see private-dir.ts). */
export function fallbackDirs(paths: PmPaths, tmpDir: string, uid: number): string[] {
  return [path.join(paths.home, 'logs-fallback'), path.join(tmpDir, `pm-${uid}-logs-fallback`)];
}
