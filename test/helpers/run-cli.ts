// Run the real `bin/pm` as a black box.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const PM_BIN = path.join(ROOT, 'bin/pm');
export const FIXTURES = path.join(ROOT, 'test/fixtures');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [PM_BIN, ...args],
      { env, cwd: options.cwd ?? ROOT, timeout: options.timeoutMs ?? 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 2) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs the CLI and fails the test with its output when the exit code is not the expected one. */
export async function pm(args: string[], env: NodeJS.ProcessEnv, expectCode = 0): Promise<CliResult> {
  const result = await runCli(args, env);
  if (result.code !== expectCode) {
    throw new Error(
      `pm ${args.join(' ')} exited ${result.code}, expected ${expectCode}\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result;
}

export function fixtureApp(name: string): string {
  return path.join(FIXTURES, 'apps', name);
}
