// Runs ps or lsof and hands back its output with its exit status: both exit 1 when a pid they were
// asked about is gone, which is an answer, not a failure. Only a command that cannot run (absent,
// killed at the timeout, output too large) throws.
import { type ExecFileException, execFile, execFileSync } from 'node:child_process';

export interface CommandOutput {
  stdout: string;
  status: number;
}

export interface CommandOptions {
  env?: NodeJS.ProcessEnv;
}

// The environment of 10,000 processes passes 30 MB; the default (1 MB) would cut it.
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;
// A ps stuck on one process (in D state) must not hold a refresh, or the daemon, forever.
const TIMEOUT_MS = 30_000;

function settings(options: CommandOptions) {
  return {
    env: options.env ?? process.env,
    encoding: 'utf8' as const,
    maxBuffer: MAX_OUTPUT_BYTES,
    timeout: TIMEOUT_MS,
    killSignal: 'SIGKILL' as const,
  };
}

/** Blocks until the command exits. */
export function runCommandSync(file: string, args: string[], options: CommandOptions = {}): CommandOutput {
  try {
    const stdout = execFileSync(file, args, { ...settings(options), stdio: ['ignore', 'pipe', 'pipe'] });
    return { stdout, status: 0 };
  } catch (error) {
    const { status, signal, stdout } = error as {
      status?: number | null;
      signal?: string | null;
      stdout?: string;
    };
    if (typeof status === 'number' && status !== 0 && !signal) return { stdout: stdout ?? '', status };
    throw error;
  }
}

/** Never blocks the event loop. */
export function runCommand(
  file: string,
  args: string[],
  options: CommandOptions = {},
): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    execFile(file, args, settings(options), (error: ExecFileException | null, stdout: string) => {
      // An exit status arrives as a numeric code; a spawn failure or the maxBuffer kill as a string.
      if (!error) resolve({ stdout, status: 0 });
      else if (typeof error.code === 'number' && !error.killed) resolve({ stdout, status: error.code });
      else reject(error);
    });
  });
}
