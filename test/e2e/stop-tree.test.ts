// Graceful stop of trees that resist it: after `pm stop` returns, no process of the instance is
// left running, including descendants that left the process group; zombies count as gone. Run
// with the host's cgroups and with process groups only (test/helpers/isolation-modes.ts).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { readProcTable } from '../../src/proc/proc-table.js';
import { listApps } from '../helpers/daemon.js';
import { inEachIsolation } from '../helpers/isolation-modes.js';
import { isGone, procState, waitForPids } from '../helpers/proc.js';
import { fixtureApp, pm } from '../helpers/run-cli.js';
import { waitFor } from '../helpers/wait-for.js';

inEachIsolation((t) => {
  for (const main of ['ignore', 'exit'] as const) {
    const how = main === 'ignore' ? 'ignores SIGTERM' : 'exits on SIGTERM';
    test(`stop kills a descendant that called setsid and left the group, when the main process ${how}`, async () => {
      const pidFile = path.join(t.home, 'tree.pids');
      await pm(
        [
          'start',
          fixtureApp('setsid-tree.js'),
          '--name',
          'escape',
          '--kill-timeout',
          '300ms',
          '--',
          pidFile,
          main,
        ],
        t.env,
      );
      const [mainPid, childPid] = await waitForPids(pidFile, 2);
      assert.notEqual(readProcTable().get(childPid!)?.pgrp, mainPid, 'the child did not leave the group');

      await pm(['stop', 'escape'], t.env);

      assert.ok(isGone(mainPid!), `main ${mainPid} is still running (state ${procState(mainPid!)})`);
      assert.ok(
        isGone(childPid!),
        `escaped child ${childPid} is still running (state ${procState(childPid!)})`,
      );
      const [info] = await listApps(t.env);
      assert.equal(info?.status, 'stopped');
    });
  }

  test('stop counts a zombie left in the process group as gone', async () => {
    await pm(
      [
        'start',
        fixtureApp('hold-zombie.sh'),
        '--name',
        'zombie',
        '--kill-timeout',
        '300ms',
        '--',
        process.execPath,
      ],
      t.env,
    );
    const [info] = await listApps(t.env);
    const pid = info!.pid!;
    const zombie = await waitFor(
      () => [...readProcTable().values()].find((e) => e.ppid === pid && e.pgrp === pid && e.state === 'Z'),
      { message: 'a zombie child in the group' },
    );

    await pm(['stop', 'zombie'], t.env);

    assert.ok(isGone(pid), `main ${pid} is still running`);
    assert.ok(isGone(zombie.pid));
    const [after] = await listApps(t.env);
    assert.equal(after?.status, 'stopped');
  });

  test('stop gives each process of the tree the stop signal exactly once, then SIGKILL', async () => {
    const file = path.join(t.home, 'signals.log');
    await pm(
      ['start', fixtureApp('count-signals.js'), '--name', 'count', '--kill-timeout', '1s', '--', file],
      t.env,
    );
    const starts = () =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.endsWith(' start'))
        .map((line) => Number(line.split(' ')[0]));
    const pids = await waitFor(() => (fs.existsSync(file) && starts().length === 3 ? starts() : null), {
      message: 'three processes started',
    });
    const [info] = await listApps(t.env);
    const grouped = pids.find((pid) => readProcTable().get(pid)?.pgrp !== info!.pid);
    assert.ok(grouped, 'one process left the group');

    await pm(['stop', 'count'], t.env);

    const terms = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.endsWith(' TERM'));
    assert.deepEqual(terms.sort(), pids.map((pid) => `${pid} TERM`).sort());
    for (const pid of pids) assert.ok(isGone(pid), `${pid} is still running (state ${procState(pid)})`);
  });

  test('stop finds a process that escaped both the group and the session by its run mark, and kills it', async () => {
    const pidFile = path.join(t.home, 'escape.pids');
    await pm(
      ['start', fixtureApp('escape-all.js'), '--name', 'escape', '--kill-timeout', '300ms', '--', pidFile],
      t.env,
    );
    const [mainPid, escaped] = await waitForPids(pidFile, 2);
    const entry = readProcTable().get(escaped!)!;
    assert.ok(
      entry.session !== mainPid && entry.pgrp !== mainPid,
      'the escaped process left group and session',
    );

    await pm(['stop', 'escape'], t.env);

    assert.ok(isGone(escaped!), `escaped ${escaped} is still running (state ${procState(escaped!)})`);
    const [info] = await listApps(t.env);
    assert.equal(info?.status, 'stopped');
  });
});
