// One instance in a fake world: the effects the state machine asks for, carried out with a manual
// clock and a fake process table. Nothing is spawned; each test runs in milliseconds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppSpec } from '../../../src/protocol/app-spec.js';
import { ManagedProcess } from '../../../src/supervisor/managed-process.js';
import type { InstanceRecord } from '../../../src/supervisor/records.js';
import { FakeWorld, flush, testSpec } from './fake-world.js';

function instance(overrides: Partial<AppSpec> = {}): { w: FakeWorld; proc: ManagedProcess } {
  const w = new FakeWorld();
  const spec = testSpec(overrides);
  const proc = new ManagedProcess(7, spec, 0, w.poolDeps().createOutput(spec, 0, 7), w.world);
  return { w, proc };
}

async function started(
  overrides: Partial<AppSpec> = {},
): Promise<{ w: FakeWorld; proc: ManagedProcess; pid: number }> {
  const { w, proc } = instance(overrides);
  proc.apply({ type: 'start' });
  await flush();
  assert.equal(proc.state.status, 'online');
  return { w, proc, pid: proc.pid! };
}

test('start forks once, reports started, and the exec confirmation makes it online', async () => {
  const { w, proc } = instance();
  proc.apply({ type: 'start' });
  assert.equal(proc.state.status, 'starting');
  assert.equal(w.forks.length, 1);
  await flush();
  assert.equal(proc.state.status, 'online');
  assert.deepEqual(w.eventTypes(), ['started']);
  assert.equal(w.events[0]!.message, `started (pid ${proc.pid})`);
});

test('a crash restarts with a growing backoff, and a restart counts', async () => {
  const { w, proc, pid } = await started({ recovery: { ...testSpec().recovery, minUptimeMs: 1_000 } });
  await w.advance(100);
  w.exit(pid, 1);
  await flush();
  // First short run: no backoff yet, restarted at once.
  assert.equal(w.forks.length, 2);
  assert.equal(proc.restarts, 1);
  w.exit(proc.pid!, 1);
  await flush();
  assert.equal(proc.state.status, 'waiting-restart');
  assert.equal(proc.info().restartAt, w.now + 100);
  await w.advance(99);
  assert.equal(w.forks.length, 2, 'not before the backoff');
  await w.advance(1);
  assert.equal(w.forks.length, 3);
  await flush();
  w.exit(proc.pid!, 1);
  await flush();
  assert.equal(proc.info().restartAt, w.now + 200, 'the backoff doubles');
  const exits = w.events.filter((e) => e.type === 'exited').map((e) => e.message);
  assert.deepEqual(exits, [
    'exited with code 1 after 100 ms; restarting',
    'exited with code 1 after 0 ms; restarting in 100 ms',
    'exited with code 1 after 0 ms; restarting in 200 ms',
  ]);
});

test('a crash loop ends in errored with an alert, and is retried after retry_after', async () => {
  const recovery = { ...testSpec().recovery, maxRestarts: 1, backoffMaxMs: 0, retryAfterMs: 60_000 };
  const { w, proc, pid } = await started({ recovery });
  w.exit(pid, 2);
  await flush();
  assert.equal(w.forks.length, 2);
  w.exit(proc.pid!, 2);
  await flush();
  assert.equal(proc.state.status, 'errored');
  const errored = w.events.find((e) => e.type === 'errored')!;
  assert.equal(errored.severity, 'alert');
  assert.match(errored.message, /crash-loop: exited with code 2; 1 restarts within 60s; retrying in 1 min/);
  await w.advance(60_000);
  assert.equal(w.forks.length, 3);
  assert.equal(proc.state.status, 'online');
  assert.match(w.events.at(-1)!.message, /out of errored with a fresh restart count/);
});

test('stop sends the stop signal once to the group, then SIGKILL after the kill timeout', async () => {
  const { w, proc, pid } = await started({ stop: { signal: 'SIGINT', killTimeoutMs: 3_000 } });
  w.ignore(pid, 'SIGINT');
  proc.apply({ type: 'stop' });
  assert.equal(proc.state.status, 'stopping');
  assert.ok(w.signals.some(([p, s]) => p === -pid && s === 'SIGINT'));
  await w.advance(2_999);
  assert.ok(w.isAlive(pid));
  assert.ok(!w.signalsTo(pid).includes('SIGKILL'));
  await w.advance(1);
  assert.ok(!w.isAlive(pid));
  assert.ok(w.signalsTo(pid).includes('SIGKILL'));
  assert.equal(proc.state.status, 'stopped');
  assert.deepEqual(proc.lastExit, { code: null, signal: 'SIGKILL', at: w.now, uptimeMs: 3_000 });
  assert.deepEqual(w.eventTypes(), ['started', 'stopped']);
});

test('each process of the tree gets the stop signal exactly once: the group by one kill, the rest by pid', async () => {
  const { w, proc, pid } = await started({ stop: { signal: 'SIGTERM', killTimeoutMs: 1_000 } });
  w.addProcess({ pid: 5_001, pgid: pid, ppid: pid });
  w.addProcess({ pid: 5_002, pgid: 5_002, ppid: 5_001 });
  for (const p of [pid, 5_001, 5_002]) w.ignore(p, 'SIGTERM');
  proc.apply({ type: 'stop' });
  for (const p of [pid, 5_001, 5_002]) assert.deepEqual(w.received.get(p), ['SIGTERM'], `pid ${p}`);
  await w.advance(1_000);
  for (const p of [pid, 5_001, 5_002])
    assert.deepEqual(w.received.get(p), ['SIGTERM', 'SIGKILL'], `pid ${p}`);
  assert.equal(proc.state.status, 'stopped');
});

test('a stop that the process obeys cancels the kill timer', async () => {
  const { w, proc, pid } = await started();
  proc.apply({ type: 'stop' });
  await flush();
  assert.equal(proc.state.status, 'stopped');
  await w.advance(60_000);
  assert.ok(!w.signalsTo(pid).includes('SIGKILL'));
  assert.equal(w.forks.length, 1);
});

test('leftovers of a crashed run get the stop signal, then SIGKILL, before the restart', async () => {
  const { w, proc, pid } = await started({ recovery: { ...testSpec().recovery, restartDelayMs: 0 } });
  w.addProcess({ pid: 5_000, pgid: pid, ppid: pid });
  w.ignore(5_000, 'SIGTERM');
  w.exit(pid, 1);
  await flush();
  assert.deepEqual(w.received.get(5_000), ['SIGTERM']);
  assert.equal(w.forks.length, 1, 'no new run while the old tree lives');
  await w.advance(5_000);
  assert.ok(!w.isAlive(5_000));
  assert.equal(w.forks.length, 2);
  assert.equal(proc.state.status, 'online');
});

test('a process that escaped its group and session is still found by its run mark: no new run beside it', async () => {
  const { w, proc, pid } = await started({ stop: { signal: 'SIGTERM', killTimeoutMs: 1_000 } });
  // Double-forked with setsid and re-parented: only its environment (PM_RUN) says whose it is.
  w.addProcess({ pid: 6_000, run: `run-${pid}` });
  w.ignore(6_000, 'SIGTERM');
  proc.apply({ type: 'restart' });
  await flush();
  assert.deepEqual(w.received.get(6_000), ['SIGTERM']);
  assert.equal(proc.state.status, 'stopping');
  assert.equal(w.forks.length, 1, 'no new run while it lives');
  await w.advance(1_000);
  assert.ok(!w.isAlive(6_000));
  assert.equal(w.forks.length, 2);
  assert.equal(proc.state.status, 'online');
});

test('pause while waiting to restart changes nothing: the restart comes, and is not frozen', async () => {
  const recovery = { ...testSpec().recovery, restartDelayMs: 1_000 };
  const { w, proc, pid } = await started({ recovery });
  w.exit(pid, 1);
  await flush();
  assert.equal(proc.state.status, 'waiting-restart');
  proc.apply({ type: 'pause' });
  assert.equal(proc.state.status, 'waiting-restart');
  await w.advance(1_000);
  assert.equal(proc.state.status, 'online');
  assert.ok(!w.isFrozen(proc.pid!));
  assert.ok(!w.eventTypes().includes('paused'));
});

test('pause freezes the tree; a stop of a paused instance thaws it so that it can act on the signal', async () => {
  const { w, proc, pid } = await started();
  proc.apply({ type: 'pause' });
  assert.ok(w.isFrozen(pid));
  proc.apply({ type: 'stop' });
  await flush();
  assert.ok(!w.isAlive(pid));
  assert.equal(proc.state.status, 'stopped');
  assert.deepEqual(w.eventTypes(), ['started', 'paused', 'stopped']);
});

test('a failed fork is errored: spawn-failed, with an alert', async () => {
  const { w, proc } = instance();
  w.failNextFork = { message: 'cwd /nope does not exist', transient: false };
  proc.apply({ type: 'start' });
  assert.equal(proc.state.status, 'errored');
  assert.equal(proc.info().reason, 'spawn-failed: cwd /nope does not exist');
  const [event] = w.events;
  assert.equal(event?.type, 'errored');
  assert.equal(event?.severity, 'alert');
});

test('a transient fork failure (EMFILE) is retried with backoff, with one warning, and the run starts once it passes', async () => {
  const { w, proc } = instance();
  w.failNextFork = { message: 'cannot open output pipes: EMFILE', transient: true };
  proc.apply({ type: 'start' });
  assert.equal(proc.state.status, 'errored');
  assert.equal(proc.info().restartAt, w.now + 500);
  w.failNextFork = { message: 'cannot open output pipes: EMFILE', transient: true };
  await w.advance(500);
  assert.equal(proc.info().restartAt, w.now + 1_000, 'the second retry waits twice as long');
  await w.advance(1_000);
  assert.equal(proc.state.status, 'online');
  assert.deepEqual(
    w.events.map((e) => [e.type, e.severity]),
    [
      ['spawn-retry', 'warning'],
      ['started', 'info'],
    ],
  );
  assert.match(w.events[0]!.message, /^cannot start: cannot open output pipes: EMFILE; retrying in 500 ms$/);
});

const record = (overrides: Partial<InstanceRecord>): InstanceRecord => ({
  id: 7,
  index: 0,
  status: 'online',
  pid: 4_242,
  pidStartTime: 42_420,
  startedAt: 999_000,
  restarts: 3,
  lastExit: null,
  ...overrides,
});

test('a new daemon adopts the same process, watches it, and restarts it by policy when it exits', async () => {
  const { w, proc } = instance();
  w.addProcess({ pid: 4_242 });
  assert.equal(proc.restore(record({})), 'adopted');
  assert.equal(proc.state.status, 'online');
  assert.equal(proc.pid, 4_242);
  assert.equal(proc.restarts, 3);
  assert.equal(w.forks.length, 0);
  assert.deepEqual(w.eventTypes(), ['adopted']);
  w.exit(4_242, 1);
  await flush();
  await flush();
  assert.equal(w.forks.length, 1);
  assert.equal(proc.restarts, 4);
});

test('a reused pid is never adopted, nor signalled: a fresh run starts', async () => {
  const { w, proc } = instance();
  // Same pid, another process (another start time).
  w.addProcess({ pid: 4_242, startTime: 1 });
  assert.equal(proc.restore(record({})), 'started');
  assert.deepEqual(w.signalsTo(4_242), []);
  assert.equal(w.forks.length, 1);
  assert.notEqual(proc.pid, 4_242);
  assert.ok(!w.eventTypes().includes('adopted'));
});

test('what is left of a run whose main process died while no daemon ran is killed before the fresh run', async () => {
  const { w, proc } = instance();
  w.addProcess({ pid: 4_300, pgid: 4_242, startTime: 50_000 });
  assert.equal(proc.restore(record({})), 'started');
  assert.deepEqual(w.signalsTo(4_300), ['SIGKILL']);
  assert.ok(!w.isAlive(4_300));
  assert.equal(w.forks.length, 1);
});

test('an errored record keeps its retry time across the daemon restart', async () => {
  const { w, proc } = instance();
  const errored = { reason: 'crash-loop' as const, detail: 'loop', retryAt: w.now + 30_000 };
  assert.equal(proc.restore(record({ status: 'errored', pid: null, pidStartTime: null, errored })), 'kept');
  assert.equal(proc.state.status, 'errored');
  assert.deepEqual(w.events, [], 'restoring is not a lifecycle event');
  await w.advance(29_999);
  assert.equal(w.forks.length, 0);
  await w.advance(1);
  assert.equal(w.forks.length, 1);
});

test('a record stopping for a restart is adopted and the restart goes on', async () => {
  const { w, proc } = instance();
  w.addProcess({ pid: 4_242 });
  proc.restore(record({ status: 'stopping', after: 'restart' }));
  await flush();
  await flush();
  assert.ok(!w.isAlive(4_242));
  assert.equal(w.forks.length, 1);
  assert.equal(proc.state.status, 'online');
});

test("an ended run's output is written out before its end is told", async () => {
  const { w, proc, pid } = await started();
  const toldAtDrain: string[][] = [];
  proc.output.drain = () => void toldAtDrain.push(w.eventTypes());
  w.exit(pid, 3);
  await flush();
  assert.deepEqual(toldAtDrain, [['started']]);
  assert.ok(w.eventTypes().length > 1, 'the end is told after');
});
