// When a log file cannot be written, lines go to the fallback with a `log-fallback` event, the
// app and the daemon run on, and writing returns to the file with `log-restored` once it works.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { PmEvent } from '../../src/protocol/events.js';
import { isGone, readDaemonPidFile } from '../helpers/proc.js';
import { fixtureApp, pm } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';
import { linesOf, startApp } from './logs-helpers.js';

const t = setupTempHome();

const LINE = /^\S+Z seq=(\d{7}) x+$/;

function seqsOf(file: string): number[] {
  return linesOf(file).map((line) => {
    const match = LINE.exec(line);
    assert.ok(match, `${file}: a broken line: ${JSON.stringify(line)}`);
    return Number(match[1]);
  });
}

function assertRun(seqs: number[], from: number, what: string): void {
  assert.deepEqual(
    seqs,
    seqs.map((_, i) => from + i),
    `${what}: lines missing or repeated`,
  );
}

/** The events of that type so far, or null while there are none (for waitFor). */
function eventsOf(type: PmEvent['type']): PmEvent[] | null {
  const found = linesOf(path.join(t.home, 'events.log'))
    .map((line) => JSON.parse(line) as PmEvent)
    .filter((event) => event.type === type);
  return found.length > 0 ? found : null;
}

async function assertAppAndDaemonAlive(name: string): Promise<void> {
  const daemon = readDaemonPidFile(t.home)!;
  assert.ok(!isGone(daemon), 'the daemon died');
  const [app] = JSON.parse((await pm(['list', '--json'], t.env)).stdout).filter(
    (p: { name: string }) => p.name === name,
  );
  assert.equal(app.state, 'online');
  assert.equal(app.restarts, 0);
}

function tryMount(dir: string): string | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (error) {
    return `cannot mount a small tmpfs (${((error as { stderr?: Buffer }).stderr ?? '').toString().trim() || (error as Error).message})`;
  }
}

test('a full disk sends the lines to the fallback with an ENOSPC event, and a flush brings them back', async (ctx) => {
  const disk = path.join(t.home, 'disk');
  fs.mkdirSync(disk);
  const reason = tryMount(disk);
  if (reason) {
    process.stdout.write(`# skipped: ${reason}\n`);
    ctx.skip(reason);
    return;
  }
  try {
    const main = path.join(disk, 'app.log');
    const fallback = path.join(t.home, 'logs-fallback', 'app.log');
    // A burst of 250 KB into a 64 KB disk, then one line every 20 ms.
    await startApp(t, 'full', fixtureApp('log-burst.js'), { args: ['2000', '20'], logs: { outFile: main } });
    const [failed] = await waitFor(() => eventsOf('log-fallback'), { message: 'a log-fallback event' });
    assert.equal(failed!.data?.cause, 'ENOSPC');
    assert.equal(failed!.app, 'full');
    await waitFor(() => seqsOf(fallback).some((n) => n >= 2000), { message: 'lines after the burst' });
    await assertAppAndDaemonAlive('full');
    const before = seqsOf(main);
    const during = seqsOf(fallback);
    assertRun(before.concat(during), 0, 'file + fallback');
    assert.ok(before.length > 100, 'the disk held almost nothing');

    await pm(['flush', 'full'], t.env);
    await waitFor(() => eventsOf('log-restored'), { message: 'a log-restored event' });
    const back = await waitFor(() => {
      const seqs = seqsOf(main);
      return seqs.length >= 3 ? seqs : null;
    });
    const fallbackSeqs = seqsOf(fallback);
    assertRun(fallbackSeqs.concat(back), during[0]!, 'fallback + the file after its return');
    await assertAppAndDaemonAlive('full');
  } finally {
    await pm(['kill'], t.env).catch(() => {});
    execFileSync('umount', ['-l', disk]);
  }
});

test('a log directory replaced by a file under the daemon sends lines to the fallback, and back once repaired', async () => {
  const logDir = path.join(t.home, 'logs');
  const main = path.join(logDir, 'dir-0.out.log');
  const fallback = path.join(t.home, 'logs-fallback', 'dir-0.out.log');
  await startApp(t, 'dir', fixtureApp('log-burst.js'), { args: ['0', '10'] });
  await waitFor(() => linesOf(main).length >= 3);

  fs.rmSync(logDir, { recursive: true });
  fs.writeFileSync(logDir, 'in the way\n');
  const [failed] = await waitFor(() => eventsOf('log-fallback'), { message: 'a log-fallback event' });
  assert.match(String(failed!.data?.cause), /^(ENOTDIR|ENOENT)$/);
  await waitFor(() => linesOf(fallback).length >= 5, { message: 'lines in the fallback' });
  await assertAppAndDaemonAlive('dir');

  fs.rmSync(logDir);
  await waitFor(() => eventsOf('log-restored'), { message: 'a log-restored event' });
  const back = await waitFor(() => {
    const seqs = fs.existsSync(main) ? seqsOf(main) : [];
    return seqs.length >= 3 ? seqs : null;
  });
  const during = seqsOf(fallback);
  assertRun(during.concat(back), during[0]!, 'fallback + the file after its return');
  await assertAppAndDaemonAlive('dir');
});

test('pm logs shows the lines that went to the fallback while the log file failed', async () => {
  const logDir = path.join(t.home, 'logs');
  const main = path.join(logDir, 'gone-0.out.log');
  const fallback = path.join(t.home, 'logs-fallback', 'gone-0.out.log');
  await startApp(t, 'gone', fixtureApp('log-burst.js'), { args: ['0', '10'] });
  await waitFor(() => linesOf(main).length >= 3);
  fs.rmSync(logDir, { recursive: true });
  fs.writeFileSync(logDir, 'in the way\n');
  await waitFor(() => linesOf(fallback).length >= 5, { message: 'lines in the fallback' });

  const { stdout } = await pm(['logs', 'gone', '--lines', '3', '--raw'], t.env);
  const shown = stdout
    .trim()
    .split('\n')
    .map((line) => Number(/seq=(\d{7})/.exec(line)?.[1]));
  const inFallback = seqsOf(fallback);
  assert.equal(shown.length, 3, stdout);
  assert.ok(
    shown.every((seq) => inFallback.includes(seq)),
    `the newest lines are the fallback's: ${shown} (fallback ends ${inFallback.slice(-3)})`,
  );
});
