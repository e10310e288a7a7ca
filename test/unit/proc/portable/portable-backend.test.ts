// The portable backend on real processes (ps, lsof, pidusage and tree-kill on this host; on Linux
// the same code runs as it would on macOS or a BSD, except for ps's environment flag).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { createPortableBackend } from '../../../../src/proc/portable/portable-backend.js';
import { ProcSnapshot } from '../../../../src/proc/proc-snapshot.js';
import { isAlive } from '../../../../src/proc/proc-table.js';
import { waitFor } from '../../../helpers/wait-for.js';

const backend = createPortableBackend();
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-portable-'));
/** Every process these tests start, children of children too: killed by pid at the end. */
const started = new Set<number>();

after(() => {
  for (const pid of started) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  fs.rmSync(home, { recursive: true, force: true });
});

function track(child: ChildProcess): number {
  started.add(child.pid!);
  return child.pid!;
}

function startSleep(options: { detached?: boolean; env?: NodeJS.ProcessEnv } = {}): number {
  return track(spawn('sleep', ['60'], { stdio: 'ignore', ...options }));
}

/** A sh with a sleep child of its own (the sh prints the child's pid): a tree of two. */
async function startShWithChild(args: string[] = [], env?: NodeJS.ProcessEnv): Promise<[number, number]> {
  const sh = spawn('sh', ['-c', 'sleep 60 & echo $!; wait', ...args], {
    stdio: ['ignore', 'pipe', 'ignore'],
    env,
  });
  const shPid = track(sh);
  let output = '';
  sh.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const childPid = await waitFor(() => (output.includes('\n') ? Number(output.trim()) : null), {
    message: "the sh's child pid",
  });
  started.add(childPid);
  return [shPid, childPid];
}

const alive = (pid: number): boolean => isAlive(backend.readEntries([pid]).get(pid));

test('the table shows a detached child in its own group and a child of a child under its parent', async () => {
  const detached = startSleep({ detached: true });
  const [sh, grandchild] = await startShWithChild();
  const table = backend.readTable();
  assert.equal(table.get(detached)?.ppid, process.pid);
  assert.equal(table.get(detached)?.pgrp, detached);
  assert.equal(table.get(sh)?.ppid, process.pid);
  assert.equal(table.get(grandchild)?.ppid, sh);
  assert.equal(table.get(grandchild)?.pgrp, table.get(sh)?.pgrp);
  assert.equal(table.get(grandchild)?.session, 0);
  const again = backend.readEntries([detached, grandchild]);
  assert.deepEqual([...again.keys()].sort(), [detached, grandchild].sort());
  assert.equal(
    again.get(detached)?.startTime,
    table.get(detached)?.startTime,
    'the same start time in each read',
  );
  assert.equal(again.get(grandchild)?.startTime, table.get(grandchild)?.startTime);
  assert.ok(Math.abs(table.get(detached)!.startTime - Date.now() / 1000) < 60, 'seconds since the epoch');
});

test('a gone pid is absent from readEntries, and no pids read nothing', () => {
  const gone = spawnSync('true').pid!;
  assert.deepEqual([...backend.readEntries([gone, process.pid]).keys()], [process.pid]);
  assert.equal(backend.readEntries([gone]).size, 0);
  assert.equal(backend.readEntries([]).size, 0);
});

test("a home's processes are found by their environment, not another home's nor a command line's", async () => {
  const ours = startSleep({ env: { ...process.env, PM_HOME: home, PM_ID: '3', PM_RUN: 'r1' } });
  startSleep({ env: { ...process.env, PM_HOME: `${home}-other`, PM_ID: '4', PM_RUN: 'r2' } });
  // Its command line names this home; its environment names another.
  await startShWithChild(['sh', `PM_HOME=${home}`, 'PM_ID=5'], { ...process.env, PM_HOME: '/elsewhere' });
  const startTime = backend.readEntries([ours]).get(ours)!.startTime;
  const found = await backend.findHomeProcesses(home);
  assert.deepEqual(found, [{ pid: ours, startTime, session: 0, id: 3, run: 'r1' }]);
  const runs = await backend.runsSince(startTime, backend.readTable());
  assert.deepEqual(runs.get('r1'), [ours]);
  assert.deepEqual(runs.get('r2')?.length, 1);
});

test('a home with a non-ASCII letter is found by a daemon started without a locale (as systemd starts it)', async () => {
  const accented = `${home}/été`;
  const ours = startSleep({ env: { ...process.env, PM_HOME: accented, PM_ID: '6', PM_RUN: 'r6' } });
  const locale = { LC_ALL: process.env.LC_ALL, LANG: process.env.LANG };
  process.env.LC_ALL = 'C';
  delete process.env.LANG;
  try {
    const found = await backend.findHomeProcesses(accented);
    assert.deepEqual(
      found.map((p) => p.pid),
      [ours],
    );
  } finally {
    for (const [name, value] of Object.entries(locale)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
});

test('killTrees kills a sh and its child', async () => {
  const [sh, child] = await startShWithChild();
  backend.killTrees!([sh]);
  await waitFor(() => !alive(sh) && !alive(child), { message: 'the tree gone' });
});

test('open descriptors are counted with lsof, and a process points at its files', () => {
  const fds = backend.countOpenFds([process.pid])?.get(process.pid);
  assert.ok(fds !== undefined && fds >= 3, `stdin, stdout and stderr at least (got ${fds})`);
  const file = path.join(home, 'held');
  const fd = fs.openSync(file, 'w');
  try {
    assert.ok(backend.fdTargets([process.pid]).get(process.pid)?.includes(file));
  } finally {
    fs.closeSync(fd);
  }
  assert.deepEqual(backend.fdTargets([spawnSync('true').pid!]), new Map());
});

test("the snapshot source gives a busy process's memory and CPU time, refreshed in the background", async () => {
  const busy = track(spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
  const snapshot = new ProcSnapshot(backend.snapshotSource());
  const hot = new Set([busy]);
  snapshot.update(hot);
  assert.ok(snapshot.table.has(busy), 'the first tick reads the table at once');
  const { ticksPerSecond } = backend.units();
  // pidusage reads CPU time from ps, which procps prints in whole seconds.
  const entry = await waitFor(
    () => {
      snapshot.update(hot);
      const latest = snapshot.table.get(busy);
      return latest && latest.rssPages > 0 && latest.cpuTicks >= ticksPerSecond ? latest : null;
    },
    { timeoutMs: 20_000, intervalMs: 100, message: 'memory and a second of CPU' },
  );
  assert.equal(entry.state, 'R');
});
