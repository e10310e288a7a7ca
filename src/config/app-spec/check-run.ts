// Before an app is defined from the command line: its working directory and its program exist, so
// that a typo (`pm start sleeep 100`, `--cwd ./nowhere`) is refused with one line and defines
// nothing. The daemon's preflight stays the last check; a shell line (`a | b`) is left to it.
import fs from 'node:fs';
import path from 'node:path';
import type { AppSpec } from '../../protocol/app-spec.js';
import { findExecutable, isExecutableFile } from './find-executable.js';
import { whatIsNotAFile } from './resolve-run.js';

/** Why the working directory cannot be used, or null. */
export function checkCwd(cwd: string): string | null {
  const stat = fs.statSync(cwd, { throwIfNoEntry: false });
  if (!stat) return 'no such directory';
  return stat.isDirectory() ? null : 'not a directory';
}

/** Why the program of `spec` cannot be run, or null (also for a shell line: the shell decides). */
export function checkProgram(spec: AppSpec): string | null {
  const { file, args } = spec.run;
  if (file === '/bin/sh' && args[0] === '-c') return null;
  if (file.includes('/')) {
    const resolved = path.resolve(spec.cwd, file);
    const what = whatIsNotAFile(resolved);
    if (what) return `${file} ${what}, expected a program`;
    return isExecutableFile(resolved)
      ? null
      : `${file}: no such executable file (check the path and chmod +x)`;
  }
  if (findExecutable(file, spec.env.PATH ?? spec.baseEnv.PATH, spec.cwd)) return null;
  const what = whatIsNotAFile(path.resolve(spec.cwd, file));
  return what
    ? `${file} ${what}, and no program of that name is in PATH`
    : `${file}: command not found in PATH`;
}
