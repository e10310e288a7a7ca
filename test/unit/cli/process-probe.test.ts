// pm update's look at the daemon: the same answers from /proc and from ps (hosts without /proc).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { probeProcess } from '../../../src/cli/process-probe.js';
import { waitFor } from '../../helpers/wait-for.js';

for (const [source, withProc] of [
  ['/proc', true],
  ['ps', false],
] as const) {
  test(`from ${source}: a live process with its command, a zombie, a gone pid, nonsense`, async () => {
    const self = probeProcess(process.pid, withProc);
    assert.equal(self?.running, true);
    assert.ok(self?.command.includes(process.argv[1]!), self?.command);

    // The forked child exits at once and stays a zombie: its parent never waits for it.
    const script = '$| = 1; my $pid = fork; exit 0 unless $pid; print "$pid\\n"; sleep 30';
    const parent = spawn('perl', ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = Number(await new Promise<string>((resolve) => parent.stdout.once('data', resolve)));
      await waitFor(() => probeProcess(zombie, withProc)?.running === false, { message: 'the zombie' });
    } finally {
      parent.kill('SIGKILL');
    }

    assert.equal(probeProcess(spawnSync('true').pid!, withProc), null);
    assert.equal(probeProcess(Number.NaN, withProc), null);
    assert.equal(probeProcess(0, withProc), null);
  });
}
