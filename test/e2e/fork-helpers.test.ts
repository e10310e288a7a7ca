// Runs forked through a fork helper (PM_DIRECT_CHILDREN=0: every run without listen: sockets) are
// managed as the daemon's own: output, exit codes, restarts, readiness, stop, cgroups. A helper that
// dies leaves its runs managed (followed by pid); a daemon that dies takes its helper with it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { readProcEntry } from '../../src/proc/proc-table.js';
import type { ProcessInfo } from '../../src/protocol/process-info.js';
import { listApps } from '../helpers/daemon.js';
import { inEachIsolation } from '../helpers/isolation-modes.js';
import { forkHelpersOf, isGone, readDaemonPidFile } from '../helpers/proc.js';
import { freePort } from '../helpers/recovery.js';
import { fixtureApp, pm } from '../helpers/run-cli.js';
import { waitFor } from '../helpers/wait-for.js';

const parentOf = (pid: number): number | undefined => readProcEntry(pid)?.ppid;

/** The one helper of the daemon, once it listens: the daemon removes its FIFOs' directory then
 * (until then the daemon forks its runs itself). */
const oneHelperOf = (daemon: number, home: string): Promise<number> =>
  waitFor(
    () => {
      const helpers = forkHelpersOf(daemon);
      const listening = !fs.readdirSync(home).some((name) => name.startsWith('forker-'));
      return helpers.length === 1 && listening ? helpers[0] : null;
    },
    { message: `the fork helper of daemon ${daemon}` },
  );

inEachIsolation(
  (t) => {
    const allOnline = (): Promise<ProcessInfo[]> =>
      waitFor(
        async () => {
          const list = await listApps(t.env);
          return list.every((p) => p.status === 'online') ? list : null;
        },
        { message: 'every app online' },
      );

    /** A daemon whose helper listens, so that every run of the test forks through it. */
    async function daemonWithHelper(): Promise<{ daemon: number; helper: number }> {
      await pm(['ping'], t.env);
      const daemon = readDaemonPidFile(t.home)!;
      return { daemon, helper: await oneHelperOf(daemon, t.home) };
    }

    function writeConfig(port: number): string {
      const file = path.join(t.home, 'apps.yaml');
      fs.writeFileSync(
        file,
        [
          'apps:',
          '  - name: ticker',
          `    script: ${fixtureApp('log-ticker.js')}`,
          '    instances: 2',
          '  - name: crashy',
          `    script: ${fixtureApp('exit-when-file.js')}`,
          `    args: [${path.join(t.home, 'crash')}]`,
          '  - name: ready',
          // The ready pipe comes with a reload that waits for it (wait_ready), not with a start.
          `    command: echo up >&\${PM_READY_FD:-1}; exec sleep 600`,
          '    wait_ready: true',
          '  - name: web',
          `    script: ${fixtureApp('http-pid.js')}`,
          `    listen: [${port}]`,
          `    env: { PORT: "${port}" }`,
          '',
        ].join('\n'),
      );
      return file;
    }

    test('runs forked by a helper are managed like those of the daemon, and one that listens is its own child', async () => {
      const port = await freePort();
      const { daemon, helper } = await daemonWithHelper();
      await pm(['start', writeConfig(port)], t.env);
      const apps = await allOnline();
      const byName = new Map(apps.map((p) => [p.name, p]));
      for (const name of ['ticker', 'crashy', 'ready'])
        assert.equal(parentOf(byName.get(name)!.pid!), helper, name);
      assert.equal(parentOf(byName.get('web')!.pid!), daemon, 'listen: sockets come from the daemon itself');
      // Output lands in the log file.
      await waitFor(() => fs.readFileSync(byName.get('ticker')!.outLog, 'utf8').includes('out 3'));
      if (fs.existsSync('/sys/fs/cgroup/unified') && !t.env.PM_CGROUP_ROOT) {
        // The run joined its cgroup at its gate, before its program ran.
        assert.match(fs.readFileSync(`/proc/${byName.get('ticker')!.pid}/cgroup`, 'utf8'), /ticker/);
      }

      // A crash: its exit code comes back through the helper and a new run is forked.
      const crashed = byName.get('crashy')!.pid!;
      fs.writeFileSync(path.join(t.home, 'crash'), '');
      const after = await waitFor(async () => {
        const p = (await listApps(t.env)).find((q) => q.name === 'crashy')!;
        return p.pid !== crashed && p.status === 'online' ? p : null;
      });
      assert.equal(after.lastExit?.code, 1);
      fs.rmSync(path.join(t.home, 'crash'));

      // A reload that waits for the ready notice: it comes through the helper.
      await pm(['reload', 'ready'], t.env);
      const { stdout: events } = await pm(['events', '--json', '--lines', '100'], t.env);
      assert.match(events, /ready: it said it is ready/);

      const { stdout } = await pm(['stop', 'all'], t.env);
      assert.match(stdout, /ticker:0 \[\d+\] stopped/);
      const stopped = await listApps(t.env);
      assert.deepEqual(
        stopped.map((p) => [p.name, p.status]),
        apps.map((p) => [p.name, 'stopped']),
      );
      assert.equal(stopped.find((p) => p.name === 'ready')!.lastExit?.signal, 'SIGTERM');
    });

    test('a helper that dies leaves its runs managed: a crash after it is seen and restarted, and a new helper forks', async () => {
      const { daemon, helper } = await daemonWithHelper();
      await pm(['start', writeConfig(await freePort())], t.env);
      const before = await allOnline();
      process.kill(helper, 'SIGKILL');
      await waitFor(() => isGone(helper));
      const crashy = before.find((p) => p.name === 'crashy')!;
      fs.writeFileSync(path.join(t.home, 'crash'), '');
      const restarted = await waitFor(async () => {
        const p = (await listApps(t.env)).find((q) => q.name === 'crashy')!;
        return p.pid !== crashy.pid && p.restarts === 1 ? p : null;
      });
      fs.rmSync(path.join(t.home, 'crash'));
      // The daemon forked that restart itself if no new helper was ready yet; the next goes through one.
      const next = await oneHelperOf(daemon, t.home);
      assert.notEqual(next, helper);
      assert.ok([daemon, next].includes(parentOf(restarted.pid!)!));
      await pm(['restart', 'crashy'], t.env);
      const [again] = (await listApps(t.env)).filter((p) => p.name === 'crashy');
      assert.equal(parentOf(again!.pid!), next);
      const others = (await listApps(t.env)).filter((p) => p.name !== 'crashy');
      assert.deepEqual(
        others.map((p) => [p.name, p.pid, p.status]),
        before.filter((p) => p.name !== 'crashy').map((p) => [p.name, p.pid, 'online']),
      );
      // Runs of the dead helper are stopped as any other.
      await pm(['stop', 'ticker'], t.env);
      for (const p of before.filter((q) => q.name === 'ticker')) await waitFor(() => isGone(p.pid!));
    });

    test('a daemon SIGKILLed takes its helper with it; the next daemon adopts the runs', async () => {
      const { daemon, helper } = await daemonWithHelper();
      await pm(['start', writeConfig(await freePort())], t.env);
      const before = await allOnline();
      process.kill(daemon, 'SIGKILL');
      await waitFor(() => isGone(helper), { message: 'the helper to follow its daemon' });
      const after = await listApps(t.env);
      assert.deepEqual(
        after.map((p) => [p.name, p.pid, p.status]),
        before.map((p) => [p.name, p.pid, 'online']),
      );
    });
  },
  {
    setup: (t) => {
      t.env.PM_DIRECT_CHILDREN = '0';
    },
  },
);
