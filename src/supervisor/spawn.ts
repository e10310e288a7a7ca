// Start one instance's process: its own session and process group (so a signal to the group reaches
// the whole tree and the daemon's death does not), stdout/stderr into the instance's pipes.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { findExecutable } from '../config/app-spec/find-executable.js';
import type { AppSpec } from '../protocol/app-spec.js';

export interface SpawnOptions {
  spec: AppSpec;
  index: number;
  id: number;
  stdoutFd: number;
  stderrFd: number;
  /** The daemon's home, given to the app as PM_HOME so that a `pm` it runs reaches this daemon. */
  home: string;
  /** PM_RUN: marks the run's processes, so that a new daemon can tell them from others (sweep.ts). */
  run: string;
  /** Called with the new pid before the program runs; throwing aborts the run. */
  beforeExec?: ((pid: number) => void) | undefined;
}

/** `transient`: the system was out of something that may come back (see TRANSIENT). */
export type SpawnResult =
  | { ok: true; child: ChildProcess }
  | { ok: false; message: string; transient: boolean };

/** Out of file descriptors, processes or memory: a later try may well work. */
const TRANSIENT = new Set(['EMFILE', 'ENFILE', 'EAGAIN', 'ENOMEM']);

export const isTransient = (error: unknown): boolean =>
  TRANSIENT.has((error as NodeJS.ErrnoException | null)?.code ?? '');

const SHELL_WORDS = new Set([
  '.',
  ':',
  'cd',
  'exec',
  'export',
  'eval',
  'set',
  'trap',
  'ulimit',
  'umask',
  'wait',
  'true',
  'false',
  'echo',
  'printf',
  'test',
  '[',
  'while',
  'until',
  'for',
  'if',
  'case',
  '{',
  '(',
  '!',
  'read',
  'sleep',
]);

/** First command word of a shell line, skipping `VAR=value` assignments. */
function firstCommandWord(line: string): string | null {
  for (const word of line.trim().split(/\s+/)) {
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) continue;
    return /^[A-Za-z0-9_./-]+$/.test(word) ? word : null;
  }
  return null;
}

/** Why the instance cannot start, checked before forking so the user gets a precise reason. */
export function preflight(spec: AppSpec, env: NodeJS.ProcessEnv): string | null {
  try {
    if (!fs.statSync(spec.cwd).isDirectory()) return `cwd ${spec.cwd} is not a directory`;
  } catch {
    return `cwd ${spec.cwd} does not exist`;
  }
  const isShell = spec.run.file === '/bin/sh' && spec.run.args[0] === '-c';
  const program = isShell ? firstCommandWord(spec.run.args[1] ?? '') : spec.run.file;
  if (program && !SHELL_WORDS.has(program) && !findExecutable(program, env.PATH, spec.cwd)) {
    return program.includes('/')
      ? `${program}: no such executable file (check the path and chmod +x)`
      : `${program}: command not found in PATH`;
  }
  return null;
}

export function instanceEnv(options: Omit<SpawnOptions, 'stdoutFd' | 'stderrFd'>): NodeJS.ProcessEnv {
  const { spec, index, id, home, run } = options;
  return {
    ...spec.baseEnv,
    ...spec.env,
    PM_HOME: home,
    PM_APP_NAME: spec.name,
    PM_INSTANCE: String(index),
    PM_ID: String(id),
    PM_RUN: run,
  };
}

export function spawnInstance(options: SpawnOptions): SpawnResult {
  const { spec } = options;
  const env = instanceEnv(options);
  const problem = preflight(spec, env);
  if (problem) return { ok: false, message: problem, transient: false };
  try {
    const child = spawn(spec.run.file, spec.run.args, {
      cwd: spec.cwd,
      env,
      detached: true,
      stdio: ['ignore', options.stdoutFd, options.stderrFd],
    });
    if (child.pid === undefined) {
      child.on('error', () => {}); // reported here; the late 'error' event must not crash the daemon
      // The program and cwd passed the preflight check: what failed is the fork itself, for want
      // of processes, memory or file descriptors (node tells which only in a later 'error' event).
      return {
        ok: false,
        message: `cannot start ${spec.run.file}: the system refused a new process (out of processes, memory or file descriptors)`,
        transient: true,
      };
    }
    options.beforeExec?.(child.pid);
    return { ok: true, child };
  } catch (error) {
    return { ok: false, message: (error as Error).message, transient: isTransient(error) };
  }
}
