// Open file descriptors from lsof, for hosts without /proc/<pid>/fd: one lsof for all the pids of
// a call. Only numbered descriptors count (not cwd, txt, mem: /proc/<pid>/fd lists none of them).
import { runCommandSync } from './run-command.js';

export interface OpenFiles {
  /** Numbered descriptors. */
  fds: number;
  /** What they point to, as lsof names it (a path for a file or a named pipe). */
  targets: string[];
}

/** lsof's field output (-F fn): a `p` line starts a process, an `f` line a file, `n` its name. */
export function parseLsof(text: string): Map<number, OpenFiles> {
  const processes = new Map<number, OpenFiles>();
  let current: OpenFiles | null = null;
  let numbered = false;
  for (const line of text.split('\n')) {
    const value = line.slice(1);
    if (line[0] === 'p') {
      current = { fds: 0, targets: [] };
      processes.set(Number(value), current);
    } else if (line[0] === 'f' && current) {
      numbered = /^\d+$/.test(value);
      if (numbered) current.fds += 1;
    } else if (line[0] === 'n' && current && numbered) {
      current.targets.push(value);
    }
  }
  return processes;
}

let lsofMissing = false;

/** The open files of each pid still there; null where lsof is absent or fails. */
export function readOpenFiles(pids: readonly number[]): Map<number, OpenFiles> | null {
  if (pids.length === 0) return new Map();
  if (lsofMissing) return null;
  try {
    // -w: no warnings; -n, -P: no name look-ups. Exit status 1: a pid is gone (the others are listed).
    const { stdout, status } = runCommandSync('lsof', ['-w', '-n', '-P', '-F', 'fn', '-p', pids.join(',')]);
    return status <= 1 ? parseLsof(stdout) : null;
  } catch (error) {
    // Looked for once: a host without lsof does not get one later.
    lsofMissing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return null;
  }
}

export function countOpenFds(pids: readonly number[]): Map<number, number> | null {
  const files = readOpenFiles([...new Set(pids)]);
  return files && new Map([...files].map(([pid, { fds }]) => [pid, fds]));
}

export function fdTargets(pids: readonly number[]): Map<number, string[]> {
  const files = readOpenFiles([...new Set(pids)]);
  return new Map([...(files ?? [])].map(([pid, { targets }]) => [pid, targets]));
}
