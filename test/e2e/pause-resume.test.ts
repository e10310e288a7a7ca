// pause freezes every process of an instance's tree, resume thaws it; a paused instance is never
// restarted, and stop works on it. Run with the host's cgroups and with process groups only
// (test/helpers/isolation-modes.ts).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { listApps } from '../helpers/daemon.js';
import { inEachIsolation } from '../helpers/isolation-modes.js';
import { isFrozen, isGone, lineCount, procState, waitForPids } from '../helpers/proc.js';
import { fixtureApp, pm } from '../helpers/run-cli.js';
import { startApp } from '../helpers/start-app.js';
import { waitFor } from '../helpers/wait-for.js';

inEachIsolation((t) => {
  /** A counter app that is never paused: its progress shows that time passed for the others. */
  async function startReference(): Promise<() => Promise<void>> {
    const file = path.join(t.home, 'reference.count');
    await startApp(t.env, { script: fixtureApp('counter.js'), name: 'reference', args: [file] });
    return async () => {
      const start = lineCount(file);
      await waitFor(() => lineCount(file) >= start + 25, { message: 'the reference counter to advance' });
    };
  }

  async function statusOf(name: string): Promise<string | undefined> {
    return (await listApps(t.env)).find((p) => p.name === name)?.status;
  }

  test('a paused tree stops advancing, with every pid frozen, and advances again after resume', async () => {
    const letTimePass = await startReference();
    const file = path.join(t.home, 'count');
    await startApp(t.env, { script: fixtureApp('counter-tree.js'), name: 'count', args: [file] });
    const pids = await waitForPids(`${file}.pids`, 2);
    await waitFor(() => lineCount(file) > 0 && lineCount(`${file}.child`) > 0, { message: 'both counters' });

    const paused = await pm(['pause', 'count'], t.env);
    assert.match(paused.stdout, /count:0 \[\d+\] paused/);
    await waitFor(() => pids.every(isFrozen), { message: 'every pid frozen' });
    const counts = [lineCount(file), lineCount(`${file}.child`)];
    await letTimePass();
    assert.deepEqual([lineCount(file), lineCount(`${file}.child`)], counts, 'a paused process kept counting');
    assert.equal(await statusOf('count'), 'paused');

    await pm(['resume', 'count'], t.env);
    assert.equal(await statusOf('count'), 'online');
    await waitFor(() => pids.every((pid) => !isFrozen(pid)), { message: 'every pid running again' });
    await waitFor(() => lineCount(file) > counts[0]! && lineCount(`${file}.child`) > counts[1]!, {
      message: 'both counters to advance after resume',
    });
  });

  test('pause of an app freezes the trees of all its instances', async () => {
    await startApp(t.env, { script: fixtureApp('forever.js'), name: 'web', instances: 2 });
    await pm(['pause', 'web'], t.env);
    const instances = await listApps(t.env);
    assert.deepEqual(
      instances.map((p) => p.status),
      ['paused', 'paused'],
    );
    await waitFor(() => instances.every((p) => isFrozen(p.pid!)), {
      message: 'both processes stopped',
    });
    await pm(['resume', 'all'], t.env);
    await waitFor(() => instances.every((p) => !isFrozen(p.pid!)), {
      message: 'both processes running',
    });
  });

  test('a paused instance is never restarted: a crash due while paused happens only after resume', async () => {
    const letTimePass = await startReference();
    const trigger = path.join(t.home, 'crash-now');
    await startApp(t.env, { script: fixtureApp('exit-when-file.js'), name: 'crashy', args: [trigger] });
    const [before] = (await listApps(t.env)).filter((p) => p.name === 'crashy');
    await pm(['pause', 'crashy'], t.env);
    await waitFor(() => isFrozen(before!.pid!), { message: 'the process to stop' });

    fs.writeFileSync(trigger, '');
    await letTimePass();
    const [paused] = (await listApps(t.env)).filter((p) => p.name === 'crashy');
    assert.deepEqual([paused?.status, paused?.pid, paused?.restarts], ['paused', before!.pid, 0]);

    // The crash was real: once thawed, the process exits at once and is restarted.
    await pm(['resume', 'crashy'], t.env);
    await waitFor(
      async () => ((await listApps(t.env)).find((e) => e.name === 'crashy')?.restarts ?? 0) >= 1,
      {
        message: 'the crash to be restarted after resume',
      },
    );
    fs.rmSync(trigger);
  });

  test('a paused instance whose process is killed from outside stays down instead of restarting', async () => {
    const file = path.join(t.home, 'count');
    await startApp(t.env, { script: fixtureApp('counter-tree.js'), name: 'count', args: [file] });
    const pids = await waitForPids(`${file}.pids`, 2);
    await pm(['pause', 'count'], t.env);
    process.kill(pids[0]!, 'SIGKILL');

    await waitFor(async () => (await statusOf('count')) === 'stopped', { message: 'the instance to stop' });
    const [info] = await listApps(t.env);
    assert.equal(info?.restarts, 0);
    assert.equal(info?.lastExit?.signal, 'SIGKILL');
    for (const pid of pids) assert.ok(isGone(pid), `pid ${pid} of the paused tree is still there`);
  });

  test('stop of a paused instance ends every process of its tree', async () => {
    const file = path.join(t.home, 'count');
    await startApp(t.env, { script: fixtureApp('counter-tree.js'), name: 'count', args: [file] });
    const pids = await waitForPids(`${file}.pids`, 2);
    await pm(['pause', 'count'], t.env);
    await waitFor(() => pids.every(isFrozen), { message: 'every pid frozen' });

    await pm(['stop', 'count'], t.env);

    assert.equal(await statusOf('count'), 'stopped');
    for (const pid of pids) assert.ok(isGone(pid), `pid ${pid} survived the stop (state ${procState(pid)})`);
  });

  test('restart of a paused instance gives it a new, running process', async () => {
    await startApp(t.env, { script: 'sleep 100000', name: 'nap' });
    const [before] = await listApps(t.env);
    await pm(['pause', 'nap'], t.env);

    await pm(['restart', 'nap'], t.env);

    const [after] = await listApps(t.env);
    assert.equal(after?.status, 'online');
    assert.notEqual(after?.pid, before?.pid);
    assert.equal(isFrozen(after!.pid!), false);
    assert.ok(isGone(before!.pid!));
  });
});
