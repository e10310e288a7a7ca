// Signals a daemon may get from the system: SIGUSR1 (log rotators send it) never opens node's
// inspector, which would let any local user run code as the daemon's user.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { isGone, readDaemonPidFile } from '../helpers/proc.js';
import { pm } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const t = setupTempHome();

/** TCP sockets the process listens on, as `address:port` in hex from /proc/net/tcp. */
function listeningSockets(pid: number): string[] {
  const inodes = new Set(
    fs
      .readdirSync(`/proc/${pid}/fd`)
      .map((fd) => {
        try {
          return /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        } catch {
          return undefined;
        }
      })
      .filter((inode) => inode !== undefined),
  );
  return fs
    .readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[3] === '0A' && inodes.has(fields[9]!))
    .map((fields) => fields[1]!);
}

test('SIGUSR1 leaves the daemon running and opens no inspector', async () => {
  await pm(['ping'], t.env);
  const daemon = readDaemonPidFile(t.home)!;
  process.kill(daemon, 'SIGUSR1');
  const log = path.join(t.home, 'daemon.log');
  await waitFor(() => fs.readFileSync(log, 'utf8').includes('SIGUSR1 received'), {
    message: 'the SIGUSR1 line',
  });
  assert.ok(!isGone(daemon));
  assert.deepEqual(listeningSockets(daemon), []);
  await pm(['ping'], t.env);
});
