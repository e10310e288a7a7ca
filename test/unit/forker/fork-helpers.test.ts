// Who forks: the daemon while it has fewer children than PM_DIRECT_CHILDREN, then helpers with room,
// one started ahead of need; a helper that cannot start is not started again at once.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { ExitPace } from '../../../src/forker/exit-pace.js';
import type { ForkHelper, HelperForkRequest } from '../../../src/forker/fork-helper.js';
import { ForkHelpers, readDirectMax } from '../../../src/forker/fork-helpers.js';
import { packageRoot } from '../../../src/installed-package.js';
import { waitFor } from '../../helpers/wait-for.js';

const ENTRY = path.join(packageRoot(), 'dist/src/forker/main.js');
const orphaned = { startTime: () => null, watchExit: () => {} };
const exits = new ExitPace();

let dir: string;
const pids: number[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-forkers-'));
});
afterEach(() => {
  for (const pid of pids.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Picks until a helper is ready (the first picks start it); the daemon forks meanwhile. */
async function pickReady(helpers: ForkHelpers): Promise<ForkHelper> {
  const helper = await waitFor(() => helpers.pick(), { message: 'a helper to pick' });
  pids.push(helper.pid!);
  return helper;
}

/** A run of `sleep 30` whose output goes to a plain file. */
function sleepRequest(): HelperForkRequest {
  const out = path.join(dir, 'out');
  fs.writeFileSync(out, '');
  return {
    program: 'sleep',
    file: 'sleep',
    args: ['30'],
    cwd: dir,
    env: { PATH: process.env.PATH },
    readyPipe: false,
    out,
    err: out,
  };
}

test('PM_DIRECT_CHILDREN: a count from 0, else the default', () => {
  assert.equal(readDirectMax({ PM_DIRECT_CHILDREN: '0' }), 0);
  assert.equal(readDirectMax({ PM_DIRECT_CHILDREN: '25' }), 25);
  assert.equal(readDirectMax({}), 1200);
  assert.equal(readDirectMax({ PM_DIRECT_CHILDREN: '-1' }), 1200);
  assert.equal(readDirectMax({ PM_DIRECT_CHILDREN: 'many' }), 1200);
});

test('the daemon forks its own runs up to the count; past it a helper forks, and one with room is picked', async () => {
  const helpers = new ForkHelpers({ entry: ENTRY, dir, directMax: 2, perHelper: 1, orphaned, exits });
  const runs = [new EventEmitter(), new EventEmitter()];
  assert.equal(helpers.pick(), null);
  helpers.countDirect(runs[0]!);
  helpers.countDirect(runs[1]!);
  const first = await pickReady(helpers);
  const forked = first.fork(sleepRequest());
  assert.ok(forked.ok);
  pids.push(forked.child.pid);
  // The first helper is full (one run each here): the next pick is another helper.
  const second = await pickReady(helpers);
  assert.notEqual(second, first);
  // A direct run ended: the daemon forks again.
  runs[0]!.emit('exit');
  assert.equal(helpers.pick(), null);
});

test('a helper that cannot start is not started again at every fork', async () => {
  const helpers = new ForkHelpers({
    entry: path.join(dir, 'missing.js'),
    dir,
    directMax: 0,
    perHelper: 10,
    orphaned,
    exits,
  });
  // The one started at once ends without listening.
  await waitFor(() => fs.readdirSync(dir).length === 0, { message: 'the failed helper to clean up' });
  for (let i = 0; i < 20; i++) assert.equal(helpers.pick(), null);
  assert.equal(fs.readdirSync(dir).length, 0, 'no new helper was started');
});

test('a helper whose runs have all ended is closed once the daemon forks its own again', async () => {
  const helpers = new ForkHelpers({ entry: ENTRY, dir, directMax: 150, perHelper: 5, orphaned, exits });
  const direct = Array.from({ length: 150 }, () => new EventEmitter());
  for (const run of direct) helpers.countDirect(run);
  const helper = await pickReady(helpers);
  const forked = helper.fork(sleepRequest());
  assert.ok(forked.ok);
  for (const run of direct.slice(0, 101)) run.emit('exit');
  assert.equal(helper.ended, false, 'it has a run');
  process.kill(forked.child.pid, 'SIGKILL');
  await waitFor(() => helper.ended, { message: 'the idle helper to be closed' });
});
