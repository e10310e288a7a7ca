// Every live process that pm started for one home, found by the environment pm gives each run
// (PM_HOME, PM_ID, PM_RUN): what a new daemon compares with its state file to find processes it
// does not know of. Read in slices between event-loop turns, so that 10,000 processes never hold
// the daemon's loop for long.
import fs from 'node:fs/promises';
import { isAlive, type ProcTable, readProcEntry } from './proc-table.js';
import { groupByRun, startedSince } from './run-groups.js';

export interface HomeProcess {
  pid: number;
  startTime: number;
  /** Session id: a run's main process leads its own session. */
  session: number;
  /** The instance id (PM_ID) and the run (PM_RUN) whose environment it carries. */
  id: number;
  run: string | null;
}

const SLICE = 256;
/** Most environments fit: a read buffer starts at this and doubles for one that does not. */
const ENVIRON_START_BYTES = 4096;

/**
 * A /proc environ, whose size stat does not tell: readFile reads such a file 64 KiB at a time,
 * and 256 reads at once (1000 processes found at a daemon's start) left it 6 MB of malloc'd
 * memory it never gave back.
 */
async function readEnviron(pid: number): Promise<Buffer> {
  const file = await fs.open(`/proc/${pid}/environ`, 'r');
  try {
    let buffer = Buffer.allocUnsafe(ENVIRON_START_BYTES);
    let length = 0;
    for (;;) {
      if (length === buffer.length) buffer = Buffer.concat([buffer, Buffer.allocUnsafe(buffer.length)]);
      const { bytesRead } = await file.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) return buffer.subarray(0, length);
      length += bytesRead;
    }
  } finally {
    await file.close();
  }
}

/** Whether a /proc environ holds the `\0NAME=value\0` of `marker` (the first entry has no leading NUL). */
function carries(environ: Buffer, marker: Buffer): boolean {
  return environ.includes(marker) || environ.subarray(0, marker.length - 1).equals(marker.subarray(1));
}

/** The value of one variable in a /proc environ (NUL-terminated NAME=value entries), found in the
 * bytes: a confirm at a `stop all` of 1000 looks through hundreds of environments of 2-5 KB, and
 * decoding and splitting each held the loop for milliseconds. */
export function variableIn(environ: Buffer, name: string): string | undefined {
  const key = Buffer.from(`\0${name}=`);
  const first = environ.subarray(0, key.length - 1).equals(key.subarray(1));
  const at = first ? 0 : environ.indexOf(key);
  if (at < 0) return undefined;
  const start = at + key.length - (first ? 1 : 0);
  const end = environ.indexOf(0, start);
  return environ.toString('utf8', start, end < 0 ? environ.length : end);
}

async function readHomeProcess(pid: number, marker: Buffer): Promise<HomeProcess | null> {
  let environ: Buffer;
  try {
    environ = await readEnviron(pid);
  } catch {
    return null; // gone, or not ours to read
  }
  // Most processes are not of this home: a byte search spares parsing their environment.
  if (!carries(environ, marker)) return null;
  const id = Number(variableIn(environ, 'PM_ID') ?? Number.NaN);
  if (!Number.isInteger(id)) return null;
  const entry = readProcEntry(pid);
  if (!isAlive(entry)) return null;
  return {
    pid,
    startTime: entry!.startTime,
    session: entry!.session,
    id,
    run: variableIn(environ, 'PM_RUN') ?? null,
  };
}

/** The live processes of runs of this home, except `self`. */
export async function findHomeProcesses(home: string, self = process.pid): Promise<HomeProcess[]> {
  const pids = (await fs.readdir('/proc')).map(Number).filter((pid) => Number.isInteger(pid) && pid !== self);
  const marker = Buffer.from(`\0PM_HOME=${home}\0`);
  const found: HomeProcess[] = [];
  for (let i = 0; i < pids.length; i += SLICE) {
    const slice = await Promise.all(pids.slice(i, i + SLICE).map((pid) => readHomeProcess(pid, marker)));
    for (const process of slice) if (process) found.push(process);
  }
  return found;
}

/** The PM_RUN of every live process started since `since` (clock ticks), except `self`, read once
 * each: what is left of runs that escaped both their group and their session, found by their
 * environment. Run id → pids. */
export async function runsSince(
  since: number,
  table: ProcTable,
  self = process.pid,
): Promise<Map<string, number[]>> {
  const candidates = startedSince(table, since, self);
  const found: Array<{ pid: number; run: string | undefined }> = [];
  for (let i = 0; i < candidates.length; i += SLICE) {
    const slice = await Promise.all(
      candidates.slice(i, i + SLICE).map(async ({ pid }) => {
        try {
          return { pid, run: variableIn(await readEnviron(pid), 'PM_RUN') };
        } catch {
          return null; // gone, or not ours to read
        }
      }),
    );
    for (const process of slice) if (process) found.push(process);
  }
  return groupByRun(found);
}
