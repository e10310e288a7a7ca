// The daemon's services: one list, started in order and stopped in reverse, by shutdown (`pm kill`)
// and by detach (`pm update`) alike.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { detachDaemon } from '../../../src/daemon/detach.js';
import { type Service, ServiceList } from '../../../src/daemon/services.js';
import { shutdownDaemon } from '../../../src/daemon/shutdown.js';

function setup(names: string[], failing?: string) {
  const calls: string[] = [];
  const services = names.map(
    (name): Service => ({
      start: async () => {
        calls.push(`start ${name}`);
        if (name === failing) throw new Error(`${name} cannot start`);
      },
      stop: async (reason) => {
        calls.push(`stop ${name} (${reason})`);
      },
    }),
  );
  const server = { close: () => calls.push('close server') };
  return { calls, list: new ServiceList(services), server };
}

const made: string[] = [];
after(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

function tempFiles(pid: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-services-'));
  made.push(dir);
  const paths = { socket: path.join(dir, 'daemon.sock'), pidFile: path.join(dir, 'daemon.pid') };
  fs.writeFileSync(paths.socket, '');
  fs.writeFileSync(paths.pidFile, `${pid}\n`);
  return paths;
}

test('services start in list order and stop in the reverse one, each told why the daemon ends', async () => {
  const { calls, list } = setup(['alerts', 'pool', 'monitor']);
  await list.start();
  await list.stop('detach');
  assert.deepEqual(calls, [
    'start alerts',
    'start pool',
    'start monitor',
    'stop monitor (detach)',
    'stop pool (detach)',
    'stop alerts (detach)',
  ]);
});

test('only the services that started are stopped, and a second stop waits for the first', async () => {
  const { calls, list } = setup(['alerts', 'pool', 'monitor'], 'pool');
  await assert.rejects(list.start(), /pool cannot start/);
  const first = list.stop('shutdown');
  const second = list.stop('detach');
  await Promise.all([first, second]);
  assert.deepEqual(calls, ['start alerts', 'start pool', 'stop alerts (shutdown)']);
});

test('shutdown and detach both close the server, then stop every service last first', async () => {
  for (const reason of ['shutdown', 'detach'] as const) {
    const { calls, list, server } = setup(['alerts', 'pool', 'health', 'limits']);
    await list.start();
    calls.length = 0;
    const paths = tempFiles(process.pid);
    if (reason === 'shutdown') await shutdownDaemon({ server, services: list, paths });
    else await detachDaemon({ server, services: list, pidFile: paths.pidFile });
    assert.deepEqual(
      calls,
      [
        'close server',
        `stop limits (${reason})`,
        `stop health (${reason})`,
        `stop pool (${reason})`,
        `stop alerts (${reason})`,
      ],
      reason,
    );
    assert.equal(fs.existsSync(paths.pidFile), false, `${reason} removes its pid file`);
    // The next daemon may already listen on the socket after a detach.
    assert.equal(fs.existsSync(paths.socket), reason === 'detach', `${reason}: socket`);
  }
});

test('detach leaves a pid file that a newer daemon already wrote', async () => {
  const { list, server } = setup([]);
  const paths = tempFiles(process.pid + 1);
  await detachDaemon({ server, services: list, pidFile: paths.pidFile });
  assert.equal(fs.readFileSync(paths.pidFile, 'utf8'), `${process.pid + 1}\n`);
});
