// Processes' environments from `ps`, for hosts without /proc: each line is the pid, the command
// line, then the environment as NAME=value words. A value is read from the LAST occurrence of its
// name: the environment follows the command line, so an argument that looks like a variable comes
// first. (A process whose environment ps may not show, another user's, shows its command line
// only.)
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

/** Every process's command line and environment (or those of `pids`), without blocking. The
 * locale is left as it is: under LC_ALL=C, procps prints a non-ASCII letter of a path as '?'. */
export async function readEnvirons(pids?: readonly number[]): Promise<Map<number, string>> {
  if (pids?.length === 0) return new Map();
  const select = pids ? ['-p', pids.join(',')] : ['-A'];
  const { stdout, status } = await runCommand('ps', [...select, '-ww', '-o', 'pid=,command=', environFlag()]);
  // Exit status 1: none of `pids` is left.
  if (status !== 0 && !(pids && status === 1)) throw new Error(`ps exited with status ${status}`);
  return parseEnvirons(stdout);
}
