// A full disk under the home: the state file is never replaced by a truncated one, the daemon and
// its apps run on, and the state is written as soon as the disk takes it again.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { PmEvent } from '../../src/protocol/events.js';
import { readDaemonPidFile } from '../helpers/proc.js';
import { pm } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { startApp } from '../helpers/start-app.js';
import { waitFor } from '../helpers/wait-for.js';

const t = setupTempHome();

function fill(file: string): void {
  const fd = fs.openSync(file, 'w');
  const block = Buffer.alloc(4096, 1);
  try {
    for (;;) fs.writeSync(fd, block);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    fs.closeSync(fd);
  }
}

const appsIn = (file: string): string[] =>
  JSON.parse(fs.readFileSync(file, 'utf8')).pool.apps.map((a: { spec: { name: string } }) => a.spec.name);

test('ENOSPC keeps the previous state file whole, and the state is saved once space is back', async (ctx) => {
  const disk = path.join(t.home, 'disk');
  fs.mkdirSync(disk);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', disk], { stdio: 'pipe' });
  } catch (error) {
    const reason = `cannot mount a small tmpfs (${(error as Error).message.split('\n')[0]})`;
    process.stdout.write(`# skipped: ${reason}\n`);
    ctx.skip(reason);
    return;
  }
  const home = path.join(disk, 'home');
  fs.mkdirSync(home, { mode: 0o700 });
  const env = { ...t.env, PM_HOME: home };
  const stateFile = path.join(home, 'state.json');
  try {
    await startApp(env, { script: 'sleep 100000', name: 'kept' });
    await waitFor(() => fs.existsSync(stateFile) && appsIn(stateFile).includes('kept'), {
      message: 'the state file names kept',
    });
    fill(path.join(disk, 'filler'));

    await startApp(env, { script: 'sleep 100000', name: 'later', instances: 0 });
    const { stdout } = await pm(['list', '--json'], env);
    // The daemon holds `later` (its row says 0 instances) while the disk cannot take it.
    assert.deepEqual(
      JSON.parse(stdout).map((p: { name: string }) => p.name),
      ['kept', 'later'],
    );
    assert.deepEqual(appsIn(stateFile), ['kept'], 'the state file is the previous one, whole');
    assert.ok(!fs.readdirSync(home).some((name) => name.includes('.tmp-')), 'no temp file left');

    fs.rmSync(path.join(disk, 'filler'));
    await waitFor(() => appsIn(stateFile).includes('later'), {
      timeoutMs: 15_000,
      message: 'the state saved again',
    });
    // The event follows the write that renamed the file into place: wait for it too.
    const events = () =>
      fs
        .readFileSync(path.join(home, 'events.log'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as PmEvent);
    await waitFor(() => events().some((e) => e.type === 'state-saved'), { message: 'a state-saved event' });
  } finally {
    await pm(['kill'], env).catch(() => {});
    const daemon = readDaemonPidFile(home);
    if (daemon !== null) {
      try {
        process.kill(daemon, 'SIGKILL');
      } catch {
        // gone
      }
    }
    execFileSync('umount', ['-l', disk]);
  }
});
