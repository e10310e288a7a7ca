// A real fork helper: the pid comes back at once, the run waits at its gate for the go, its output
// goes into its pipe and its end comes back with its code; a helper that dies or hangs costs a
// failed fork and leaves its runs followed by pid, never a stalled caller.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { ExitPace } from '../../../src/forker/exit-pace.js';
import {
  ForkHelper,
  type ForkHelperOptions,
  type HelperForkRequest,
  type OrphanedRuns,
} from '../../../src/forker/fork-helper.js';
import { packageRoot } from '../../../src/installed-package.js';
import { isAlive, readProcTable } from '../../../src/proc/proc-table.js';
import { preludeScript } from '../../../src/supervisor/spawn-prelude.js';
import { isPidAlive } from '../../helpers/proc-entry.js';
import { waitFor } from '../../helpers/wait-for.js';

const ENTRY = path.join(packageRoot(), 'dist/src/forker/main.js');
/** The gate the daemon's spawn.ts puts before every run a helper forks. */
const GATE = preludeScript({}, true)!;

let dir: string;
/** A helper holds no loop open (in the daemon its server does): the test's timer does here. */
let alive: NodeJS.Timeout;
const started: number[] = [];
const helpers: ForkHelper[] = [];

beforeEach(() => {
  alive = setInterval(() => {}, 1000);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-forker-'));
  execFileSync('mkfifo', [path.join(dir, 'out'), path.join(dir, 'err')]);
});
afterEach(() => {
  clearInterval(alive);
  for (const pid of [...started.splice(0), ...helpers.splice(0).map((helper) => helper.pid!)]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

async function readyHelper(
  orphaned: Partial<OrphanedRuns> = {},
  more: Partial<ForkHelperOptions> = {},
): Promise<ForkHelper> {
  const helper = new ForkHelper({
    entry: ENTRY,
    dir: fs.mkdtempSync(path.join(dir, 'helper-')),
    orphaned: { startTime: () => 1, watchExit: () => {}, ...orphaned },
    exits: new ExitPace(),
    ...more,
  });
  helpers.push(helper);
  await waitFor(() => helper.ready, { message: 'the helper to listen' });
  return helper;
}

function request(script: string, more: Partial<HelperForkRequest> = {}): HelperForkRequest {
  return {
    program: 'sh',
    file: '/bin/sh',
    args: ['-c', GATE, '/bin/sh', '-c', script],
    cwd: dir,
    env: { PATH: process.env.PATH, GREETING: 'hello' },
    out: path.join(dir, 'out'),
    err: path.join(dir, 'err'),
    readyPipe: false,
    ...more,
  };
}

function forked(helper: ForkHelper, wanted: HelperForkRequest) {
  const result = helper.fork(wanted);
  assert.ok(result.ok, result.ok ? '' : result.message);
  started.push(result.child.pid);
  return result.child;
}

const exitOf = (child: NodeJS.EventEmitter) =>
  new Promise<[number | null, string | null]>((resolve) =>
    child.on('exit', (code, signal) => resolve([code, signal])),
  );

test('a run forked through the helper gets its environment, cwd and pipes, and its exit code comes back', async () => {
  const helper = await readyHelper();
  const out = fs.openSync(path.join(dir, 'out'), fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
  try {
    const child = forked(helper, request('echo "$GREETING from $(pwd)"; exit 7'));
    let spawned = false;
    child.on('spawn', () => {
      spawned = true;
    });
    const exit = exitOf(child);
    assert.equal(helper.size, 1);
    assert.deepEqual(await exit, [7, null]);
    assert.ok(spawned, 'spawn told before the exit');
    const buffer = Buffer.alloc(4096);
    assert.equal(
      buffer.toString('utf8', 0, fs.readSync(out, buffer)),
      `hello from ${fs.realpathSync(dir)}\n`,
    );
    assert.equal(helper.size, 0);
  } finally {
    fs.closeSync(out);
  }
});

test('a run is held at its gate until the hook has the pid; a hook that throws kills it before its program runs', async () => {
  const helper = await readyHelper();
  const marker = path.join(dir, 'ran');
  let seen: number | null = null;
  const result = helper.fork({
    ...request(`touch ${marker}`),
    beforeExec: (pid) => {
      seen = pid;
      throw new Error('no cgroup for it');
    },
  });
  assert.deepEqual(result, { ok: false, message: 'no cgroup for it', transient: false });
  assert.ok(seen !== null);
  started.push(seen);
  await waitFor(() => !isPidAlive(seen!), { message: 'the aborted run to be gone' });
  assert.equal(fs.existsSync(marker), false);

  const child = forked(helper, { ...request('echo ok'), beforeExec: (pid) => assert.ok(isPidAlive(pid)) });
  assert.deepEqual(await exitOf(child), [0, null]);
});

test('the ready pipe: a line on fd 3 is told', async () => {
  const helper = await readyHelper();
  let notices = 0;
  const child = forked(helper, {
    ...request('echo up >&3; exec sleep 30'),
    readyPipe: true,
    onReadyNotice: () => notices++,
  });
  await waitFor(() => notices === 1, { message: 'the ready notice' });
  process.kill(child.pid, 'SIGTERM');
  assert.deepEqual(await exitOf(child), [null, 'SIGTERM']);
  assert.equal(notices, 1);
});

test('what cannot be forked is told with its reason', async () => {
  const helper = await readyHelper();
  const result = helper.fork(request('true', { out: path.join(dir, 'no-pipe') }));
  assert.equal(result.ok, false);
  assert.match(
    !result.ok ? result.message : '',
    /^cannot start sh: ENOENT: no such file or directory, open /,
  );
  assert.equal(helper.ready, true, 'the helper goes on');
});

test('a helper killed with runs alive: the runs go on, followed by pid, and the next fork fails as transient', async () => {
  const watched: number[] = [];
  const ends = new Map<number, () => void>();
  const helper = await readyHelper({
    startTime: (pid) => pid,
    watchExit: (pid, startTime, onExit) => {
      assert.equal(startTime, pid);
      watched.push(pid);
      ends.set(pid, onExit);
    },
  });
  const child = forked(helper, request('exec sleep 30'));
  const exit = exitOf(child);
  // Past its gate: the program runs (a run still at its gate ends with its helper: the next test).
  await waitFor(() => fs.readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').startsWith('sleep'), {
    message: 'the program to run',
  });
  process.kill(helper.pid!, 'SIGKILL');
  await waitFor(() => helper.ended, { message: 'the helper to be taken for gone' });
  assert.deepEqual(watched, [child.pid]);
  assert.ok(isPidAlive(child.pid), 'the run outlives its helper');
  ends.get(child.pid)!();
  assert.deepEqual(await exit, [null, null]);
  const next = helper.fork(request('true'));
  assert.equal(next.ok, false);
  assert.equal(!next.ok && next.transient, true);
});

test('a stopped helper: the fork gives up at its deadline, and with no answer to a ping the helper is killed', async () => {
  const helper = await readyHelper({}, { stallKillMs: 300 });
  process.kill(helper.pid!, 'SIGSTOP');
  const began = performance.now();
  const result = helper.fork(request('sleep 30'));
  const took = performance.now() - began;
  assert.deepEqual(result, {
    ok: false,
    message: 'cannot start sh: the fork helper did not answer in 2 s',
    transient: true,
  });
  assert.ok(took >= 2000 && took < 4000, `gave up after ${took} ms`);
  assert.equal(helper.ready, false, 'no fork goes to it meanwhile');
  await waitFor(() => helper.ended, { message: 'the stopped helper to be killed' });
});

test('a slow helper that answers the ping forks again; the fork given up on leaves no run', async () => {
  const helper = await readyHelper();
  process.kill(helper.pid!, 'SIGSTOP');
  assert.equal(helper.fork(request('exec sleep 30')).ok, false);
  process.kill(helper.pid!, 'SIGCONT');
  await waitFor(() => helper.ready, { message: 'the helper back after its pong' });
  const child = forked(helper, request('exec sleep 30'));
  await waitFor(
    () => {
      const runs = [...readProcTable().values()].filter((e) => e.ppid === helper.pid && isAlive(e));
      return runs.length === 1 && runs[0]!.pid === child.pid;
    },
    { message: 'only the second fork running' },
  );
});

test('a helper gone before the go: its run never runs its program (the gate closes)', async () => {
  const ends = new Map<number, () => void>();
  const helper = await readyHelper({ watchExit: (pid, _start, onExit) => ends.set(pid, onExit) });
  const marker = path.join(dir, 'ran');
  const child = forked(helper, {
    ...request(`touch ${marker}`),
    beforeExec: () => process.kill(helper.pid!, 'SIGKILL'),
  });
  await waitFor(() => helper.ended, { message: 'the helper to be taken for gone' });
  await waitFor(() => !isPidAlive(child.pid), { message: 'the gated run to end' });
  assert.equal(fs.existsSync(marker), false);
  assert.ok(ends.has(child.pid), 'the run was followed by pid');
});

test('a helper that does not listen in time is killed, and taken for gone', async () => {
  const silent = path.join(dir, 'silent.cjs');
  fs.writeFileSync(silent, 'setInterval(() => {}, 1000);\n');
  const helper = new ForkHelper({
    entry: silent,
    dir: fs.mkdtempSync(path.join(dir, 'helper-')),
    orphaned: { startTime: () => null, watchExit: () => {} },
    exits: new ExitPace(),
    listenDeadlineMs: 200,
  });
  helpers.push(helper);
  await waitFor(() => helper.ended, { message: 'the silent helper to be ended' });
  assert.equal(helper.everReady, false);
});
