// The instance tree over a cgroup, with a stub cgroup and /proc tree: membership is the cgroup's,
// what escaped it is still signalled, and a run that is not in its cgroup (adopted from a daemon
// without cgroups) is left to the process group for pause.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CgroupPoller, cgroupTree } from '../../../src/isolation/cgroup-tree.js';
import type { InstanceCgroup } from '../../../src/isolation/instance-cgroup.js';
import type { ProcessTree } from '../../../src/supervisor/world.js';

function setup(members: number[]) {
  const calls: string[] = [];
  const alive = new Set([...members, 77]);
  const cgroup = {
    members: () => members,
    populated: () => members.length > 0,
    freeze: (frozen: boolean) => calls.push(`freeze ${frozen}`) > 0,
    kill: () => calls.push('cgroup.kill'),
  } as unknown as InstanceCgroup;
  const proc = {
    isAlive: (pid: number) => alive.has(pid),
    signal: (pids: Iterable<number>, signal: string) => calls.push(`${signal} ${[...pids].join(' ')}`),
  } as unknown as ProcessTree;
  const tree = cgroupTree({ cgroup, proc, poller: new CgroupPoller(), onEscaped: () => {} });
  return { tree, calls };
}

test("killAll kills the cgroup at once, and never by pid a process merely tracked before (its pid may be a stranger's now)", () => {
  const { tree, calls } = setup([10, 11]);
  const tracked = new Set([10, 77]);
  tree.killAll(tracked);
  assert.deepEqual(calls, ['cgroup.kill']);
  assert.deepEqual([...tracked].sort(), [10, 11]);
});

test('pause freezes a populated cgroup, and leaves an empty one (a run not in it) to SIGSTOP', () => {
  const populated = setup([10]);
  assert.equal(populated.tree.freeze(true), true);
  assert.deepEqual(populated.calls, ['freeze true']);
  const empty = setup([]);
  assert.equal(empty.tree.freeze(true), false);
  assert.deepEqual(empty.calls, []);
});
