// Runs ps or lsof and hands back its output with its exit status: both exit 1 when a pid they were
// asked about is gone, which is an answer, not a failure, when they say nothing on stderr (they
// exit 1 on real errors too, with a message). Only a command that cannot run (absent, killed at the
// timeout, output too large) throws.
import { type ExecFileException, execFile, spawnSync } from 'node:child_process';

export interface CommandOutput {
  stdout: string;
  stderr: string;
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
  const result = spawnSync(file, args, { ...settings(options), stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error) throw result.error;
  if (result.status === null) throw new Error(`${file} was killed by ${result.signal}`);
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

/** Never blocks the event loop. */
export function runCommand(
  file: string,
  args: string[],
  options: CommandOptions = {},
): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      settings(options),
      (error: ExecFileException | null, stdout: string, stderr: string) => {
        // An exit status arrives as a numeric code; a spawn failure or the maxBuffer kill as a string.
        if (!error) resolve({ stdout, stderr, status: 0 });
        else if (typeof error.code === 'number' && !error.killed)
          resolve({ stdout, stderr, status: error.code });
        else reject(error);
      },
    );
  });
}
