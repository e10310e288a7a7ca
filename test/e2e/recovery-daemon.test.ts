// The daemon dies (SIGKILL) or is replaced (`pm update`): apps run on, the next daemon adopts them
// with the same pids, no output line is lost or doubled, a reused pid is never adopted, and what is
// left of a run that died meanwhile is cleaned up.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { readProcEntry } from '../../src/proc/proc-table.js';
import type { ProcessInfo } from '../../src/protocol/process-info.js';
import { listApps } from '../helpers/daemon.js';
import { inEachIsolation } from '../helpers/isolation-modes.js';
import { isGone, procState, readDaemonPidFile, waitForPids } from '../helpers/proc.js';
import { portableBackend } from '../helpers/proc-backend.js';
import { readEvents, readNumbers, sequenceFaults } from '../helpers/recovery.js';
import { fixtureApp, pm } from '../helpers/run-cli.js';
import { processesOf } from '../helpers/temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const strangers: number[] = [];
const killStrangers = () => {
  for (const pid of strangers.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
};

inEachIsolation(
  (t) => {
    /** epoll_wait, epoll_pwait, epoll_pwait2 on x86_64 and arm64 (22 is epoll_pwait there). */
    const EPOLL_WAITS = new Set(['232', '281', '441', '22']);

    /**
     * SIGKILLs the daemon at rest: stopped, it is checked to be waiting in epoll (between two reads of
     * its pipes), else let go on and tried again. At any other instant the one chunk of output it is
     * copying from a pipe to a log file can be lost (docs/recovery.md); everything else must survive.
     */
    async function killDaemon(): Promise<void> {
      const pid = readDaemonPidFile(t.home)!;
      await waitFor(
        async () => {
          process.kill(pid, 'SIGSTOP');
          await waitFor(() => procState(pid) === 'T', { intervalMs: 1, message: `daemon ${pid} stopped` });
          if (EPOLL_WAITS.has(fs.readFileSync(`/proc/${pid}/syscall`, 'utf8').split(' ')[0]!)) return true;
          process.kill(pid, 'SIGCONT');
          return false;
        },
        { intervalMs: 3, message: `daemon ${pid} at rest` },
      );
      process.kill(pid, 'SIGKILL');
      await waitFor(() => isGone(pid), { message: `daemon ${pid} gone` });
    }

    /** The first command after the daemon died: the CLI starts a new daemon (with this home's env). */
    async function listAfterCrash(): Promise<ProcessInfo[]> {
      await pm(['ping'], t.env);
      return listApps(t.env);
    }

    /** Three apps, one of them printing a numbered line every 10 ms; resolves once it has printed some. */
    async function startThreeApps(): Promise<ProcessInfo[]> {
      await pm(['start', fixtureApp('print-numbers.js'), '--name', 'numbers', '--', '10'], t.env);
      await pm(['start', fixtureApp('forever.js'), '--name', 'a'], t.env);
      await pm(['start', fixtureApp('forever.js'), '--name', 'b'], t.env);
      const apps = await listApps(t.env);
      await waitFor(() => readNumbers(apps[0]!.outLog).length >= 30, { message: '30 numbered lines' });
      return apps;
    }

    /** Stops the numbered app (its last lines are written out) and returns the faults of its log. */
    async function numberedLogFaults(outLog: string): Promise<{ count: number; faults: string[] }> {
      await pm(['stop', 'numbers'], t.env);
      const numbers = readNumbers(outLog);
      return { count: numbers.length, faults: sequenceFaults(numbers) };
    }

    const pidsOf = (apps: ProcessInfo[]) => apps.map((p) => [p.name, p.pid, p.status]);

    test('after a SIGKILL of the daemon, the next pm list shows the three apps online with the same pids, and no line is lost', async () => {
      const before = await startThreeApps();
      await killDaemon();
      // The daemon stays away for a while; the numbered app keeps writing into its pipe meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const list = JSON.parse((await pm(['list', '--json'], t.env)).stdout) as Array<{
        name: string;
        pid: number;
        state: string;
      }>;
      assert.deepEqual(
        list.map((p) => [p.name, p.pid, p.state]),
        pidsOf(before),
      );
      const daemon = readDaemonPidFile(t.home)!;
      // No duplicate: the new daemon and the three apps, nothing else.
      assert.deepEqual(processesOf(t.home).sort(), [daemon, ...before.map((p) => p.pid!)].sort());
      const adopted = readEvents(t.home).filter((e) => e.type === 'adopted');
      assert.deepEqual(adopted.map((e) => e.app).sort(), ['a', 'b', 'numbers']);

      const seen = readNumbers(before[0]!.outLog).length;
      await waitFor(() => readNumbers(before[0]!.outLog).length > seen + 30, {
        message: 'lines after adoption',
      });
      const { count, faults } = await numberedLogFaults(before[0]!.outLog);
      assert.deepEqual(faults, [], `the numbered log (${count} lines) has gaps or repeats`);
    });

    test('a pid reused by an unrelated process is not adopted: the app starts afresh and the stranger lives on', async () => {
      await pm(['start', fixtureApp('forever.js'), '--name', 'web'], t.env);
      const [before] = await listApps(t.env);
      const listedAt = Math.floor(Date.now() / 1000);
      await killDaemon();
      process.kill(before!.pid!, 'SIGKILL');
      await waitFor(() => isGone(before!.pid!), { message: 'the app gone' });
      // Without /proc a start time is a second: a pid reused within the same second would pass for
      // the same process (docs/recovery.md says so). The stranger comes two seconds later: ps
      // counts a start from the boot time, which is a whole second, so its second and the clock's
      // can differ by one.
      if (portableBackend())
        await waitFor(() => Math.floor(Date.now() / 1000) > listedAt + 1, {
          message: 'two seconds later',
        });
      // A stranger now holds the pid the state file names (same pid, another start time).
      const stranger = spawn('sleep', ['60'], {
        detached: true,
        stdio: 'ignore',
        env: { PATH: process.env.PATH },
      });
      strangers.push(stranger.pid!);
      const stateFile = path.join(t.home, 'state.json');
      const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
      state.pool.apps[0].instances[0].pid = stranger.pid;
      fs.writeFileSync(stateFile, JSON.stringify(state));

      const [after] = await listAfterCrash();
      assert.equal(after!.status, 'online');
      assert.notEqual(after!.pid, stranger.pid);
      assert.notEqual(readProcEntry(stranger.pid!)?.state ?? 'gone', 'gone', 'the stranger was killed');
      assert.deepEqual(processesOf(t.home).sort(), [readDaemonPidFile(t.home), after!.pid].sort());
      assert.equal(readEvents(t.home).filter((e) => e.type === 'adopted').length, 0);
    });

    test('when an app died while no daemon watched, its leftover child is killed and one fresh run starts', async () => {
      const file = path.join(t.home, 'count');
      await pm(['start', fixtureApp('counter-tree.js'), '--name', 'tree', '--', file], t.env);
      const [parent, child] = await waitForPids(`${file}.pids`, 2);
      await killDaemon();
      process.kill(parent!, 'SIGKILL');
      await waitFor(() => isGone(parent!), { message: 'the parent gone' });
      assert.equal(isGone(child!), false, 'the child outlives its parent');

      const [after] = await listAfterCrash();
      assert.equal(after!.status, 'online');
      await waitFor(() => isGone(child!), { timeoutMs: 5_000, message: 'the leftover child gone' });
      const [, , newParent, newChild] = await waitForPids(`${file}.pids`, 4);
      assert.equal(after!.pid, newParent);
      assert.deepEqual(processesOf(t.home).sort(), [readDaemonPidFile(t.home), newParent, newChild].sort());
    });

    test('pm update replaces the daemon while the apps keep their pids and every line', async () => {
      const before = await startThreeApps();
      const oldDaemon = readDaemonPidFile(t.home)!;
      const { stdout } = await pm(['update', '--json'], t.env);
      const reply = JSON.parse(stdout);
      assert.equal(reply.previousPid, oldDaemon);
      assert.notEqual(reply.pid, oldDaemon);
      assert.ok(isGone(oldDaemon));
      assert.deepEqual(pidsOf(await listApps(t.env)), pidsOf(before));
      const detached = readEvents(t.home).find((e) => e.type === 'daemon-stopped');
      assert.equal(detached?.data?.detached, true);

      const seen = readNumbers(before[0]!.outLog).length;
      await waitFor(() => readNumbers(before[0]!.outLog).length > seen + 30, {
        message: 'lines after the update',
      });
      const { count, faults } = await numberedLogFaults(before[0]!.outLog);
      assert.deepEqual(faults, [], `the numbered log (${count} lines) has gaps or repeats`);
    });
  },
  { teardown: killStrangers },
);
