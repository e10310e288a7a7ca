// A daemon short of file descriptors (ulimit -n 64): it holds a descriptor only for the pipes of
// apps that write (logs/awake-pipes.ts), so 120 instances run where 16 would have before, every
// line of every app arrives, and what a scale takes it gives back.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { listApps } from '../helpers/daemon.js';
import { readDaemonPidFile } from '../helpers/proc.js';
import { fixtureApp, PM_BIN, pm } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const t = setupTempHome();

const openFds = (pid: number): number => fs.readdirSync(`/proc/${pid}/fd`).length;

/** The seq numbers of a log-burst.js log, in the order written. */
function seqs(file: string): number[] {
  if (!fs.existsSync(file)) return [];
  return [...fs.readFileSync(file, 'utf8').matchAll(/seq=(\d+)/g)].map((m) => Number(m[1]));
}

test('under `ulimit -n 64` the daemon runs 100 quiet and 20 writing instances, loses no line, and gives back what a scale took', async () => {
  // The daemon inherits the limit of the command that starts it.
  execFileSync('bash', ['-c', `ulimit -n 64 && exec "${process.execPath}" "${PM_BIN}" ping`], { env: t.env });
  const daemon = readDaemonPidFile(t.home)!;
  const config = path.join(t.home, 'many.yaml');
  const lines = 2000;
  fs.writeFileSync(
    config,
    [
      'apps:',
      '  - name: quiet',
      '    command: sleep 100000',
      '    instances: 100',
      '  - name: talk',
      `    command: ${process.execPath} ${fixtureApp('log-burst.js')} ${lines}`,
      '    instances: 20',
      '',
    ].join('\n'),
  );
  await pm(['start', config], t.env);
  await waitFor(async () => (await listApps(t.env)).filter((p) => p.status === 'online').length === 120, {
    timeoutMs: 60_000,
    message: '120 instances online',
  });
  const expected = Array.from({ length: lines }, (_, i) => i);
  for (let index = 0; index < 20; index++) {
    const log = path.join(t.home, 'logs', `talk-${index}.out.log`);
    await waitFor(() => seqs(log).length >= lines, {
      timeoutMs: 30_000,
      message: `${lines} lines in ${log}`,
    });
    assert.deepEqual(seqs(log), expected, log);
  }
  assert.ok(openFds(daemon) < 64, `${openFds(daemon)} descriptors`);

  const before = openFds(daemon);
  await pm(['scale', 'quiet', '1'], t.env);
  await pm(['scale', 'quiet', '100'], t.env);
  await waitFor(async () => (await listApps(t.env)).filter((p) => p.status === 'online').length === 120, {
    timeoutMs: 60_000,
    message: '120 instances online again',
  });
  await waitFor(() => openFds(daemon) <= before, {
    message: `the daemon's descriptors back to ${before} (has ${openFds(daemon)})`,
  });
});

test('the daemon raises its soft open-file limit to the hard one at start', async () => {
  execFileSync('bash', ['-c', `ulimit -S -n 256 && exec "${process.execPath}" "${PM_BIN}" ping`], {
    env: t.env,
  });
  const daemon = readDaemonPidFile(t.home)!;
  const hard = Number(execFileSync('bash', ['-c', 'ulimit -H -n']).toString().trim());
  const soft = () =>
    Number(
      /^Max open files\s+(\d+)/m.exec(fs.readFileSync(`/proc/${daemon}/limits`, 'utf8'))?.[1] ?? Number.NaN,
    );
  await waitFor(() => soft() === hard, { message: `the soft limit at ${hard} (is ${soft()})` });
});
