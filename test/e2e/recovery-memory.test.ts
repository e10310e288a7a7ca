// max_memory counts the whole process tree: a child that allocates gets its instance restarted.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { listApps } from '../helpers/daemon.js';
import { isGone, waitForPids } from '../helpers/proc.js';
import { readEvents } from '../helpers/recovery.js';
import { fixtureApp, pm } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const t = setupTempHome();

test('a tree whose child allocates past max_memory is restarted gracefully, with an event naming the figures', async () => {
  const pidFile = path.join(t.home, 'tree.pids');
  const limitBytes = 160 * 1024 * 1024;
  // Two node processes hold about 40-90 MB; the child's 200 MB takes the tree past 160 MB.
  await pm(
    ['start', fixtureApp('memory-child.js'), '--name', 'hog', '--max-memory', '160M', '--', pidFile, '200'],
    t.env,
  );
  const [parent, child] = await waitForPids(pidFile, 2);
  const event = await waitFor(() => readEvents(t.home, 'hog').find((e) => e.type === 'limit-exceeded'), {
    timeoutMs: 15_000,
    message: 'a limit-exceeded event',
  });
  assert.equal(event.data?.maxMemoryBytes, limitBytes);
  assert.ok(Number(event.data?.memoryBytes) > limitBytes);
  assert.match(
    event.message,
    /^memory \d+\.\d MiB \(process tree\) exceeds max_memory 160\.0 MiB; restarting$/,
  );

  const info = await waitFor(
    async () => {
      const [p] = await listApps(t.env);
      return p?.pid && p.pid !== parent ? p : null;
    },
    { message: 'a new run' },
  );
  assert.ok(info.restarts >= 1);
  assert.ok(isGone(parent!) && isGone(child!), 'the old tree, child included, is gone');
  const events = readEvents(t.home, 'hog').map((e) => e.type);
  // Graceful: stopped through the stop signal, then started again.
  assert.deepEqual(events.slice(events.indexOf('limit-exceeded'), events.indexOf('limit-exceeded') + 3), [
    'limit-exceeded',
    'stopped',
    'started',
  ]);
});
