// Whether a pid is a running process (not a zombie), and its command line: from /proc where the
// host has it, else from `ps` (macOS, the BSDs). The CLI's own look at the daemon for `pm update`;
// the daemon reads the process table through its backend (src/proc/).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export interface ProcessProbe {
  /** Alive and not a zombie. */
  running: boolean;
  /** Its arguments: NUL-separated from /proc, space-separated from ps. */
  command: string;
}

function fromProc(pid: number): ProcessProbe | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return { running: !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2)), command };
  } catch {
    return null;
  }
}

function fromPs(pid: number): ProcessProbe | null {
  try {
    const line = execFileSync('ps', ['-o', 'stat=,command=', '-p', String(pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const space = line.indexOf(' ');
    if (space < 0) return null;
    return { running: !/^[ZX]/.test(line), command: line.slice(space + 1).trim() };
  } catch {
    return null; // ps exits 1 when the pid is gone
  }
}

/** Null when no process has the pid. */
export function probeProcess(pid: number, withProc = fs.existsSync('/proc/self/stat')): ProcessProbe | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return withProc ? fromProc(pid) : fromPs(pid);
}
