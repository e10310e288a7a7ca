// Turn what the user typed (`server.js`, `./worker.sh`, `python3 -m http.server 8080`) into the
// program and argv to exec, so the daemon never guesses.
import fs from 'node:fs';
import path from 'node:path';
import type { RunSpec } from '../../protocol/app-spec.js';
import { PmError } from '../../protocol/errors.js';
import { APP_NAME_PATTERN } from '../../protocol/target.js';

const NODE_SCRIPT = /\.(js|mjs|cjs|ts|mts|cts)$/;
const INTERPRETERS: Record<string, string> = {
  '.py': 'python3',
  '.sh': '/bin/sh',
  '.rb': 'ruby',
  '.pl': 'perl',
};
/** Characters that need a shell: quoting, expansion, redirection, pipes, lists, globs. */
const SHELL_SYNTAX = /[|&;<>()$`\\"'*?[\]#~{}\n]/;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
/** A leading `VAR=value`, or a builtin with no program of its name, also needs a shell. */
const SHELL_START = /^([A-Za-z_][A-Za-z0-9_]*=|(cd|exec|export|eval|set|trap|ulimit|umask|\.)(\s|$))/;

function quoteForShell(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** "is a directory", "is not a regular file (a FIFO)"; null for a regular file or nothing at all. */
export function whatIsNotAFile(file: string): string | null {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat || stat.isFile()) return null;
  if (stat.isDirectory()) return 'is a directory';
  const kind = stat.isFIFO()
    ? ' (a FIFO)'
    : stat.isCharacterDevice()
      ? ' (a character device)'
      : stat.isBlockDevice()
        ? ' (a block device)'
        : stat.isSocket()
          ? ' (a socket)'
          : '';
  return `is not a regular file${kind}`;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface RunInput {
  /** A script path, or a command line. */
  script: string;
  args: string[];
  /** Directory relative paths are resolved against. */
  cwd: string;
  /** Explicit interpreter (`node`, `python3`, `none`). */
  interpreter?: string;
  /** Arguments of the interpreter, before the script (`--node-args`, PM2's node_args). */
  interpreterArgs?: string[];
}

export function resolveRun(input: RunInput): RunSpec {
  const run = resolveProgram(input);
  const extra = input.interpreterArgs ?? [];
  if (extra.length === 0) return run;
  const file = path.resolve(input.cwd, input.script.trim());
  // Only where an interpreter runs the script: its arguments go before the script's path.
  if (run.args[0] !== file) {
    throw new PmError(
      'bad-request',
      `interpreter arguments (${extra.join(' ')}) need a script run by an interpreter (node, python3, …); ${input.script.trim()} is run directly`,
    );
  }
  return { ...run, args: [...extra, ...run.args] };
}

function resolveProgram({ script, args, cwd, interpreter }: RunInput): RunSpec {
  const trimmed = script.trim();
  if (trimmed === '') throw new PmError('bad-request', 'nothing to start: give a script or a command');
  const display = [trimmed, ...args].join(' ');
  const file = path.resolve(cwd, trimmed);
  if (isFile(file)) {
    if (interpreter && interpreter !== 'none') return { file: interpreter, args: [file, ...args], display };
    if (NODE_SCRIPT.test(file) && interpreter !== 'none')
      return { file: process.execPath, args: [file, ...args], display };
    if (isExecutable(file)) return { file, args, display };
    const byExtension = INTERPRETERS[path.extname(file)];
    if (byExtension) return { file: byExtension, args: [file, ...args], display };
    throw new PmError(
      'bad-request',
      `${trimmed} is not executable: run chmod +x ${trimmed}, or pass --interpreter`,
    );
  }
  if (SHELL_SYNTAX.test(trimmed) || SHELL_START.test(trimmed)) {
    return { file: '/bin/sh', args: ['-c', [trimmed, ...args.map(quoteForShell)].join(' ')], display };
  }
  const words = trimmed.split(/\s+/);
  const what = words.length === 1 && trimmed.includes('/') ? whatIsNotAFile(file) : null;
  if (what) throw new PmError('bad-request', `${trimmed} ${what}, expected a script or a program`);
  if (words.length === 1 && (trimmed.includes('/') || NODE_SCRIPT.test(trimmed))) {
    throw new PmError('bad-request', `${trimmed}: no such file (relative to ${cwd})`);
  }
  const program = interpreter && interpreter !== 'none' ? interpreter : words[0]!;
  const rest = interpreter && interpreter !== 'none' ? words : words.slice(1);
  return { file: program, args: [...rest, ...args], display };
}

/** A default app name: the script's base name without extension, or the program's name. */
export function defaultAppName(script: string): string {
  const first =
    script
      .trim()
      .split(/\s+/)
      .find((word) => !ASSIGNMENT.test(word)) ?? 'app';
  const base = path.basename(first).replace(/\.[^.]+$/, '');
  const cleaned = base.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^[.-]+/, '');
  const name = cleaned.slice(0, 64) || 'app';
  // `123` or `all` would read as a target rather than as this app.
  return APP_NAME_PATTERN.test(name) ? name : `app-${name}`.slice(0, 64);
}
