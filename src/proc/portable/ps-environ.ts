// Processes' environments from `ps`, for hosts without /proc: with the environment flag each line
// is the pid, the command line, then the environment as NAME=value words. The command line, read
// again without the flag, is cut off the front, so that an argument that looks like a variable is
// never taken for one (a process whose environment ps does not show, another user's, has none).
import { runCommand } from './run-command.js';

/** The flag that appends the environment to the command. Only the Linux (procps-ng) form is tested
 * here; the others are from the ps(1) manuals of macOS and FreeBSD/OpenBSD/NetBSD (on Linux, -e
 * means every process). */
export function environFlag(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'linux') return 'e';
  if (platform === 'darwin') return '-E';
  return '-e';
}

/** pid → command line and environment, from `ps -o pid=,command=` with the environment flag. */
export function parseEnvirons(text: string): Map<number, string> {
  const environs = new Map<number, string>();
  for (const line of text.split('\n')) {
    const match = /^\s*(\d+) +(.*)$/.exec(line);
    if (match) environs.set(Number(match[1]), match[2]!);
  }
  return environs;
}

/** The environments alone: each line of `withEnv` without the command line `withoutEnv` has for
 * its pid. A process whose command changed between the two reads (an exec) is left out. */
export function environsOnly(
  withEnv: Map<number, string>,
  withoutEnv: Map<number, string>,
): Map<number, string> {
  const environs = new Map<number, string>();
  for (const [pid, line] of withEnv) {
    const command = withoutEnv.get(pid);
    if (command === undefined || !line.startsWith(command)) continue;
    if (line.length === command.length) environs.set(pid, '');
    else if (line[command.length] === ' ') environs.set(pid, line.slice(command.length + 1));
  }
  return environs;
}

/** What follows the last `NAME=` that starts a word, up to the end of the line; null without one. */
function afterLast(text: string, name: string): string | null {
  const at = text.lastIndexOf(` ${name}=`);
  if (at >= 0) return text.slice(at + name.length + 2);
  return text.startsWith(`${name}=`) ? text.slice(name.length + 1) : null;
}

/** The value of the last `NAME=value` word (a value with spaces is cut at the first). */
export function variableOf(text: string, name: string): string | null {
  const rest = afterLast(text, name);
  return rest === null ? null : rest.split(' ', 1)[0]!;
}

/** Whether the last PM_HOME is exactly `home`: followed by the end or by the next variable, so
 * that a home may hold spaces and a home that is the start of another does not match it. */
export function carriesHome(text: string, home: string): boolean {
  const rest = afterLast(text, 'PM_HOME');
  if (rest === null || !rest.startsWith(home)) return false;
  return rest.length === home.length || /^ [A-Za-z_][A-Za-z0-9_]*=/.test(rest.slice(home.length));
}

/** A UTF-8 locale for both reads: under C (a daemon started by systemd or launchd has no LANG),
 * procps prints a non-ASCII letter of a path as '?', and a home with one would never match. */
const psEnv = (): NodeJS.ProcessEnv => ({ ...process.env, LC_ALL: 'C.UTF-8' });

async function readCommands(select: string[], withEnv: boolean): Promise<Map<number, string>> {
  const flags = withEnv ? [environFlag()] : [];
  const { stdout, status, stderr } = await runCommand(
    'ps',
    [...select, '-ww', '-o', 'pid=,command=', ...flags],
    {
      env: psEnv(),
    },
  );
  // Exit status 1 and nothing on stderr: none of the pids asked for is left.
  if (status !== 0 && !(status === 1 && select[0] === '-p' && stderr === ''))
    throw new Error(`ps exited with status ${status}${stderr ? `: ${stderr.trim()}` : ''}`);
  return parseEnvirons(stdout);
}

/** Every process's environment (or those of `pids`), as NAME=value words, without blocking. */
export async function readEnvirons(pids?: readonly number[]): Promise<Map<number, string>> {
  if (pids?.length === 0) return new Map();
  const select = pids ? ['-p', pids.join(',')] : ['-A'];
  const [withEnv, withoutEnv] = await Promise.all([readCommands(select, true), readCommands(select, false)]);
  return environsOnly(withEnv, withoutEnv);
}
