// Start one instance's process: its own session and process group (so a signal to the group reaches
// the whole tree and the daemon's death does not), stdout/stderr into the instance's pipes.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { findExecutable, isExecutableBy } from '../config/app-spec/find-executable.js';
import { needsRoot } from '../config/app-spec/run-as.js';
import { packageRoot } from '../installed-package.js';
import { listenName } from '../listen/listen-address.js';
import type { AppSpec } from '../protocol/app-spec.js';
import { FORK_REFUSED, isTransient } from './spawn-errors.js';
import { preludeScript } from './spawn-prelude.js';

/** The first inherited socket's fd, as in systemd's socket activation. */
const LISTEN_FDS_START = 3;

/** Loaded into Node apps that have listen: sockets (see listen/node-preload.cts). */
const nodePreload = () => path.join(packageRoot(), 'dist/src/listen/node-preload.cjs');

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
  /**
   * Called with the new pid before the program runs; the process waits for it. Throwing aborts the
   * run: the process is killed and the spawn fails with the thrown message (not transient).
   * (The cgroup layer puts the pid into the instance's cgroup here, before the app can fork.)
   */
  beforeExec?: (pid: number) => void;
  /** The app's listen: sockets, given to the program as fds 3, 4, … in this order. */
  listenFds?: readonly number[];
  /** Give the program a pipe (its fd in PM_READY_FD) to say it is ready on: child.stdio[3 + listenFds]. */
  readyPipe?: boolean;
}

/** `transient`: the system was out of something that may come back (see spawn-errors.ts). */
export type SpawnResult =
  | { ok: true; child: ChildProcess }
  | { ok: false; message: string; transient: boolean };

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
  // A state file or dump written by a root daemon, restored by another: setgid would fail after the fork.
  if (spec.runAs && process.getuid?.() !== 0)
    return `cannot run as user ${spec.runAs.user}: ${needsRoot(process.getuid?.() ?? -1)}`;
  try {
    if (!fs.statSync(spec.cwd).isDirectory()) return `cwd ${spec.cwd} is not a directory`;
  } catch {
    return `cwd ${spec.cwd} does not exist`;
  }
  const isShell = spec.run.file === '/bin/sh' && spec.run.args[0] === '-c';
  const program = isShell ? firstCommandWord(spec.run.args[1] ?? '') : spec.run.file;
  if (!program || SHELL_WORDS.has(program)) return null;
  const found = findExecutable(program, env.PATH, spec.cwd);
  if (!found) {
    return program.includes('/')
      ? `${program}: no such executable file (check the path and chmod +x)`
      : `${program}: command not found in PATH`;
  }
  // Else exec fails in the child, which node reports only as a spawn that did not happen.
  const { runAs } = spec;
  if (runAs && !isExecutableBy(path.resolve(spec.cwd, found), runAs.uid, runAs.gid)) {
    return `${program}: not executable by user ${runAs.user} (uid ${runAs.uid}, gid ${runAs.gid}): check its mode and owner`;
  }
  return null;
}

/** What a clean environment (`envInherit: false`) keeps of the inherited one. */
const CLEAN_ENV_KEYS = ['PATH', 'HOME', 'USER', 'LANG'];

/** The inherited environment (all of it, or the clean few), with the run-as user's HOME, USER and LOGNAME. */
function inheritedEnv(spec: AppSpec): Record<string, string> {
  const { baseEnv, runAs } = spec;
  const inherited =
    spec.envInherit === false
      ? Object.fromEntries(
          CLEAN_ENV_KEYS.filter((key) => baseEnv[key] !== undefined).map((key) => [key, baseEnv[key]!]),
        )
      : baseEnv;
  if (!runAs) return inherited;
  return { ...inherited, HOME: runAs.home, USER: runAs.user, LOGNAME: runAs.user };
}

export function instanceEnv(options: Omit<SpawnOptions, 'stdoutFd' | 'stderrFd'>): NodeJS.ProcessEnv {
  const { spec, index, id, home, run } = options;
  const env: NodeJS.ProcessEnv = {
    ...inheritedEnv(spec),
    ...spec.env,
    PM_HOME: home,
    PM_APP_NAME: spec.name,
    PM_INSTANCE: String(index),
    // PM2's name for the index, which Node apps written for PM2 read.
    NODE_APP_INSTANCE: String(index),
    PM_ID: String(id),
    PM_RUN: run,
  };
  // increment_var: each instance its own port (or other number) without code: the value + index.
  const incremented = spec.incrementVar === undefined ? undefined : env[spec.incrementVar];
  if (incremented !== undefined && /^\d+$/.test(incremented))
    env[spec.incrementVar!] = String(Number(incremented) + index);
  const listen = spec.listen ?? [];
  if (listen.length > 0) {
    // systemd's protocol (sd_listen_fds); LISTEN_PID is set by the prelude, once the pid is known.
    env.LISTEN_FDS = String(listen.length);
    env.LISTEN_FDNAMES = listen.map(listenName).join(':');
    // Node apps need no change: the preload makes server.listen(port) take the inherited socket.
    env.NODE_OPTIONS = [env.NODE_OPTIONS, `--require ${JSON.stringify(nodePreload())}`]
      .filter(Boolean)
      .join(' ');
  }
  if (options.readyPipe) env.PM_READY_FD = String(LISTEN_FDS_START + listen.length);
  return env;
}

/** Runs the hook while the prelude waits on stdin, then lets it go on; a throw kills the process. */
function openGate(
  child: ChildProcess & { pid: number },
  beforeExec: (pid: number) => void,
): SpawnResult | null {
  const gate = child.stdin!;
  gate.on('error', () => {}); // a process killed meanwhile: EPIPE, and its exit tells the rest
  try {
    beforeExec(child.pid);
  } catch (error) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    gate.destroy();
    return { ok: false, message: error instanceof Error ? error.message : String(error), transient: false };
  }
  // A one-byte write to a fresh socket pair lands in the kernel before end() returns: the gate
  // closes now, not when the child gets to exec (a start of many held one descriptor per child
  // until then, and ran out under a low open-file limit), and the child keeps no socket (0.7 KB).
  gate.end('\n');
  gate.destroy();
  child.stdin = null;
  child.stdio[0] = null;
  return null;
}

/** What a run execs: its program, or the shell prelude that sets its limits and waits at its gate. */
export interface SpawnPlan {
  file: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
}

/** The run's plan, or why it cannot start. `gated`: the program waits for a line on stdin first. */
export function planSpawn(
  options: Omit<SpawnOptions, 'stdoutFd' | 'stderrFd' | 'beforeExec'>,
  gated: boolean,
): { ok: true; plan: SpawnPlan } | { ok: false; message: string; transient: false } {
  const { spec } = options;
  const env = instanceEnv(options);
  const problem = preflight(spec, env);
  if (problem) return { ok: false, message: problem, transient: false };
  // Only an app that asks for a umask, rlimits or a gate goes through the shell prelude.
  const prelude = preludeScript(spec, gated);
  const [file, args] =
    prelude === null
      ? [spec.run.file, spec.run.args]
      : ['/bin/sh', ['-c', prelude, spec.run.file, ...spec.run.args]];
  const runAs = spec.runAs && { uid: spec.runAs.uid, gid: spec.runAs.gid };
  return { ok: true, plan: { file, args, cwd: spec.cwd, env, ...runAs } };
}

export function spawnInstance(options: SpawnOptions): SpawnResult {
  const planned = planSpawn(options, options.beforeExec !== undefined);
  if (!planned.ok) return planned;
  const { file, args, ...plan } = planned.plan;
  const extraFds = [...(options.listenFds ?? []), ...(options.readyPipe ? ['pipe' as const] : [])];
  try {
    const child = spawn(file, args, {
      ...plan,
      detached: true,
      stdio: [options.beforeExec ? 'pipe' : 'ignore', options.stdoutFd, options.stderrFd, ...extraFds],
    });
    if (child.pid === undefined) {
      child.on('error', () => {}); // reported here; the late 'error' event must not crash the daemon
      // The program and cwd passed the preflight check: what failed is the fork itself, for want
      // of processes, memory or file descriptors (node tells which only in a later 'error' event).
      return {
        ok: false,
        message: `cannot start ${options.spec.run.file}: ${FORK_REFUSED}`,
        transient: true,
      };
    }
    if (options.beforeExec) {
      const aborted = openGate(child as ChildProcess & { pid: number }, options.beforeExec);
      if (aborted) return aborted;
    }
    return { ok: true, child };
  } catch (error) {
    return { ok: false, message: (error as Error).message, transient: isTransient(error) };
  }
}
