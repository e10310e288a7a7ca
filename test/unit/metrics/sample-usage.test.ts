import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageSampler } from '../../../src/metrics/sample-usage.js';
import type { ProcSource } from '../../../src/proc/proc-snapshot.js';
import { type ProcEntry, UNKNOWN_CPU } from '../../../src/proc/proc-table.js';

/** A /proc in memory: tests add, change and remove processes, and see which pids were read. */
class FakeProc implements ProcSource {
  readonly entries = new Map<number, ProcEntry>();
  reads: number[] = [];
  private listed = '';

  set(pid: number, fields: Partial<ProcEntry> = {}): void {
    const before = this.entries.get(pid);
    this.entries.set(pid, {
      pid,
      ppid: 1,
      pgrp: pid,
      session: 0,
      state: 'S',
      startTime: 100,
      cpuTicks: 0,
      rssPages: 10,
      ...before,
      ...fields,
    });
  }

  /** Like /proc/loadavg's last pid: the list is read again only when it changed, or when forced. */
  listPids(force: boolean) {
    const pids = [...this.entries.keys()];
    const changed = force || pids.join() !== this.listed;
    this.listed = pids.join();
    return { pids, changed };
  }

  readEntry(pid: number) {
    this.reads.push(pid);
    return this.entries.get(pid) ?? null;
  }

  endTick() {}
}

const PAGE = 4096;

function setup() {
  const proc = new FakeProc();
  proc.set(1, { pgrp: 1 });
  for (let pid = 500; pid < 520; pid++) proc.set(pid, { ppid: 1 });
  const sampler = new UsageSampler({
    snapshotSource: () => proc,
    units: () => ({ ticksPerSecond: 100, pageBytes: PAGE }),
  });
  return { proc, sampler };
}

test('cpu and memory are summed over the group, the tracked pids and all their descendants', () => {
  const { proc, sampler } = setup();
  proc.set(10, { pgrp: 10, rssPages: 100 });
  proc.set(11, { ppid: 10, pgrp: 10, rssPages: 50 });
  proc.set(12, { ppid: 11, pgrp: 12, rssPages: 25 }); // left the group (setsid), still a descendant
  proc.set(13, { ppid: 1, pgrp: 13, rssPages: 5 }); // re-parented to init: found only as tracked
  proc.set(14, { ppid: 13, pgrp: 14, rssPages: 1 });
  const target = { id: 7, pgid: 10, tracked: [13] };
  sampler.sample([target], 0);
  proc.set(10, { cpuTicks: 50 });
  proc.set(12, { cpuTicks: 25 });
  proc.set(14, { cpuTicks: 25 });
  const usage = sampler.sample([target], 1000).get(7)!;
  assert.deepEqual([...usage.pids].sort(), [10, 11, 12, 13, 14]);
  assert.equal(usage.memoryBytes, (100 + 50 + 25 + 5 + 1) * PAGE);
  // 100 ticks of a 100-tick second: one core.
  assert.equal(Math.round(usage.cpuPercent), 100);
});

test('a child forked since the last tick is found and counted in full at once', () => {
  const { proc, sampler } = setup();
  proc.set(10, { rssPages: 100 });
  sampler.sample([{ id: 1, pgid: 10, tracked: [] }], 0);
  proc.set(20, { ppid: 10, pgrp: 10, rssPages: 7, cpuTicks: 30 });
  const usage = sampler.sample([{ id: 1, pgid: 10, tracked: [] }], 1000).get(1)!;
  assert.deepEqual(usage.pids.sort(), [10, 20]);
  assert.equal(usage.memoryBytes, 107 * PAGE);
  assert.equal(Math.round(usage.cpuPercent), 30);
});

test('when no pid is new, only the trees are read again; the rest of /proc is read every 30 ticks', () => {
  const { proc, sampler } = setup();
  proc.set(10);
  const targets = [{ id: 1, pgid: 10, tracked: [] }];
  sampler.sample(targets, 0);
  assert.ok(proc.reads.length > 20, 'the first tick reads everything');
  for (let tick = 1; tick < 30; tick++) {
    proc.reads = [];
    proc.set(10, { rssPages: 10 + tick });
    const usage = sampler.sample(targets, tick * 1000).get(1)!;
    assert.deepEqual(proc.reads, [10], `tick ${tick} reads only the tree`);
    assert.equal(usage.memoryBytes, (10 + tick) * PAGE);
  }
  proc.reads = [];
  sampler.sample(targets, 30_000);
  assert.ok(proc.reads.length > 20, 'tick 30 reads everything again');
});

test('a process of a tree that is gone, or moved out of the group, stops counting at once', () => {
  const { proc, sampler } = setup();
  proc.set(10, { rssPages: 100 });
  proc.set(11, { ppid: 10, pgrp: 10, rssPages: 50 });
  proc.set(12, { ppid: 10, pgrp: 10, rssPages: 20 });
  const targets = [{ id: 1, pgid: 10, tracked: [] }];
  assert.equal(sampler.sample(targets, 0).get(1)!.memoryBytes, 170 * PAGE);
  proc.set(12, { state: 'Z' }); // no new pid: the tree is updated in place
  assert.deepEqual(sampler.sample(targets, 1000).get(1)!.pids.sort(), [10, 11]);
  proc.set(11, { pgrp: 11, ppid: 1 });
  assert.deepEqual(sampler.sample(targets, 2000).get(1)!.pids, [10]);
  proc.set(11, { pgrp: 10, ppid: 10 });
  proc.entries.delete(11);
  const usage = sampler.sample(targets, 3000).get(1)!;
  assert.deepEqual(usage.pids, [10]);
  assert.equal(usage.memoryBytes, 100 * PAGE);
});

test('instances sampled in different slices each get their CPU over their own interval', () => {
  const { proc, sampler } = setup();
  proc.set(10, { pgrp: 10 });
  proc.set(20, { pgrp: 20 });
  const a = { id: 1, pgid: 10, tracked: [] };
  const b = { id: 2, pgid: 20, tracked: [] };
  sampler.sample([a], 0);
  sampler.sample([b], 1000);
  proc.set(10, { cpuTicks: 100 });
  proc.set(20, { cpuTicks: 100 });
  // a: 100 ticks in the 2 s since its own last sample (half a core), whatever b did in between.
  assert.equal(Math.round(sampler.sample([a], 2000).get(1)!.cpuPercent), 50);
  assert.equal(Math.round(sampler.sample([b], 3000).get(2)!.cpuPercent), 50);
  // Only the slice's trees are read again, not the other slice's.
  proc.reads = [];
  sampler.sample([a], 4000);
  assert.ok(!proc.reads.includes(20), `b was read with a's slice: ${proc.reads}`);
});

test('a CPU time not known yet (ps before pidusage) is no sample, and its first figure only the baseline', () => {
  const { proc, sampler } = setup();
  // An adopted process that has run for an hour: ps knows it, pidusage has not read it yet.
  proc.set(10, { pgrp: 10, cpuTicks: UNKNOWN_CPU });
  const target = { id: 1, pgid: 10, tracked: [] };
  sampler.sample([target], 0);
  assert.equal(sampler.sample([target], 1000).get(1)!.cpuPercent, 0);
  proc.set(10, { cpuTicks: 360_000 });
  assert.equal(sampler.sample([target], 2000).get(1)!.cpuPercent, 0, 'an hour of CPU is not one interval');
  proc.set(10, { cpuTicks: 360_050 });
  assert.equal(Math.round(sampler.sample([target], 3000).get(1)!.cpuPercent), 50);
});
