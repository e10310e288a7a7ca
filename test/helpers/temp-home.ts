// A fresh PM_HOME per test, and a cleanup that kills the daemon and every process it started,
// even when the test failed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readProcTable } from '../../src/proc/proc-table.js';
import { removeHomeCgroups } from './cgroups.js';
import { isPidAlive } from './proc-entry.js';
import { waitFor } from './wait-for.js';

export interface TempHome {
  home: string;
  env: NodeJS.ProcessEnv;
  /** Kill the daemon and all processes whose environment names this home, then remove it. */
  cleanup: () => Promise<void>;
}

function daemonPid(home: string): number | null {
  try {
    const pid = Number(fs.readFileSync(path.join(home, 'daemon.pid'), 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Live pids (not this one) whose environment holds exactly `NAME=value`. */
export function pidsWithEnv(entry: string): number[] {
  const inside = Buffer.from(`\0${entry}\0`);
  const first = Buffer.from(`${entry}\0`);
  const pids: number[] = [];
  for (const pid of readProcTable().keys()) {
    if (pid === process.pid) continue;
    try {
      const environ = fs.readFileSync(`/proc/${pid}/environ`);
      if ((environ.includes(inside) || environ.subarray(0, first.length).equals(first)) && isPidAlive(pid)) {
        pids.push(pid);
      }
    } catch {
      // gone, or not ours
    }
  }
  return pids;
}

/** Pids of live processes started for this home: the daemon and every app (their env holds PM_HOME). */
export const processesOf = (home: string): number[] => pidsWithEnv(`PM_HOME=${home}`);

export function killAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export function createTempHome(): TempHome {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-test-'));
  fs.chmodSync(home, 0o700);
  // PM_START_WAIT=0: `pm start` returns at once, as most tests expect; settle tests set it back.
  const env = { ...process.env, PM_HOME: home, NO_COLOR: '1', PM_START_WAIT: '0' };
  return {
    home,
    env,
    cleanup: async () => {
      // The daemon first: while it lives it may start new processes (a restart) behind our scan.
      const daemon = daemonPid(home);
      if (daemon !== null) killAll([daemon]);
      await waitFor(() => daemon === null || !isPidAlive(daemon), {
        timeoutMs: 5000,
        message: 'daemon gone',
      });
      await waitFor(
        () => {
          const left = processesOf(home);
          killAll(left);
          return left.length === 0;
        },
        { timeoutMs: 5000, message: `no process of ${home} left` },
      );
      await removeHomeCgroups(home);
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
