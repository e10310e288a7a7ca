// A daemon SIGKILLed while it forks the apps of a config: the next daemon knows every process it
// had started (write-ahead state, orphan sweep), and the user's retry makes no duplicate.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { listApps } from '../helpers/daemon.js';
import { inEachIsolation } from '../helpers/isolation-modes.js';
import { isGone, readDaemonPidFile } from '../helpers/proc.js';
import { readEvents } from '../helpers/recovery.js';
import { FIXTURES, PM_BIN, pm } from '../helpers/run-cli.js';
import { processesOf } from '../helpers/temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

inEachIsolation((t) => {
  const CONFIG = path.join(FIXTURES, 'configs/fifty-apps.yaml');

  /** App name → pids of this home's live processes that carry it. */
  function appProcesses(): Map<string, number[]> {
    const byApp = new Map<string, number[]>();
    for (const pid of processesOf(t.home)) {
      let environ: string;
      try {
        environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
      } catch {
        continue;
      }
      const name = /(?:^|\0)PM_APP_NAME=([^\0]*)/.exec(environ)?.[1];
      if (name) byApp.set(name, [...(byApp.get(name) ?? []), pid]);
    }
    return byApp;
  }

  test('a SIGKILL of the daemon in the middle of pm start <config> orphans nothing, and the retry duplicates nothing', async () => {
    await pm(['ping'], t.env);
    const daemon = readDaemonPidFile(t.home)!;
    const start = spawn(process.execPath, [PM_BIN, 'start', CONFIG], { env: t.env, stdio: 'ignore' });
    const exited = new Promise((resolve) => start.once('exit', resolve));
    await waitFor(() => appProcesses().size >= 5, { intervalMs: 1, message: 'some apps forked' });
    process.kill(daemon, 'SIGKILL');
    await waitFor(() => isGone(daemon), { message: 'the daemon gone' });
    await exited;

    const { stderr } = await pm(['ping'], t.env);
    const known = new Set((await listApps(t.env)).map((p) => p.pid));
    for (const [name, pids] of appProcesses()) {
      for (const pid of pids) assert.ok(known.has(pid), `${name}: pid ${pid} runs unmanaged`);
    }
    const swept = readEvents(t.home).find((e) => e.type === 'orphans-swept');
    if (swept) {
      assert.equal(swept.severity, 'alert');
      assert.match(
        stderr,
        /^pm: warning: found processes of this home that the state file did not account for: adopted \d+ runs, stopping \d+ processes$/m,
      );
    }

    await pm(['start', CONFIG], t.env);
    await waitFor(async () => (await listApps(t.env)).every((p) => p.status === 'online'), {
      timeoutMs: 60_000,
      message: 'every app online',
    });
    const after = appProcesses();
    assert.equal(after.size, 50);
    for (const [name, pids] of after) assert.equal(pids.length, 1, `${name} runs ${pids.length} times`);
    const listed = await listApps(t.env);
    assert.equal(listed.length, 50);
    assert.deepEqual(new Set(listed.map((p) => p.pid)), new Set([...after.values()].flat()));
  });

  test('a stranger whose command line names this home and an instance id is none of its processes: the sweep leaves it', async () => {
    const { PM_HOME: _, ...withoutHome } = process.env;
    // Its arguments read `PM_HOME=<home> PM_ID=0 PM_RUN=r`; its environment has no PM_HOME.
    const stranger = spawn('sh', ['-c', 'sleep 300; true', `PM_HOME=${t.home} PM_ID=0 PM_RUN=r`], {
      env: withoutHome,
      stdio: 'ignore',
      detached: true,
    });
    try {
      await pm(['ping'], t.env);
      assert.equal(readEvents(t.home).filter((e) => e.type === 'orphans-swept').length, 0);
      assert.ok(!isGone(stranger.pid!), 'the stranger was stopped');
    } finally {
      process.kill(-stranger.pid!, 'SIGKILL'); // sh and its sleep
    }
  });
});
