// The cgroup layer against fake cgroupfs directories: detection on v2, hybrid and cgroup-less hosts,
// and what an instance's cgroup writes (limits, membership, freeze, kill) and reads (usage, breaches)
// in each hierarchy. The real kernel is exercised by test/e2e/isolation.test.ts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import { type CgroupHost, describeHost, detectCgroups, homeTag } from '../../../src/isolation/cgroup-host.js';
import { InstanceCgroup, unenforceable } from '../../../src/isolation/instance-cgroup.js';

const HOME = '/home/u/.pm';
const roots: string[] = [];

afterEach(() => {
  for (const root of roots.splice(0)) fs.rmSync(root, { recursive: true, force: true });
});

/** A directory tree standing in for /sys/fs/cgroup: files with their contents. */
function fakeRoot(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-cgroupfs-'));
  roots.push(root);
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
}

const read = (file: string): string => fs.readFileSync(file, 'utf8');
const tag = homeTag(HOME);

test('an empty cgroup root means no cgroups, and says why', () => {
  const host = detectCgroups({ root: fakeRoot({}), home: HOME, uid: 0, ownCgroup: '/' });
  assert.equal(host.mode, 'none');
  assert.match(host.reason, /no cgroup hierarchy/);
  assert.match(describeHost(host), /^process groups \(no cgroups: /);
});

test('a missing cgroup root means no cgroups', () => {
  const host = detectCgroups({ root: '/nonexistent/cgroup', home: HOME, uid: 0, ownCgroup: '/' });
  assert.equal(host.mode, 'none');
  assert.match(host.reason, /does not exist/);
});

test('a read-only cgroup root means no cgroups', (t) => {
  if (process.getuid?.() === 0) {
    // root writes through mode bits: a read-only bind mount would be needed; the empty root and
    // the missing controllers cover the same path of the code.
    t.skip('root ignores directory modes; covered by the empty and missing roots');
    return;
  }
  const root = fakeRoot({ 'cgroup.controllers': 'memory pids cpu\n', 'cgroup.procs': '' });
  fs.chmodSync(root, 0o555);
  const host = detectCgroups({ root, home: HOME, uid: 0, ownCgroup: '/' });
  assert.equal(host.mode, 'none');
});

test('pure v2 as root: pm gets a directory per home with the controllers turned on', () => {
  const root = fakeRoot({
    'cgroup.controllers': 'cpuset cpu io memory pids\n',
    'cgroup.subtree_control': '',
    'cgroup.procs': '',
    // What the kernel shows in a child once the parent delegates them.
    [`${tag}/cgroup.controllers`]: 'cpu memory pids\n',
  });
  const host = detectCgroups({ root, home: HOME, uid: 0, ownCgroup: '/' });
  assert.equal(host.mode, 'v2');
  assert.equal(host.unified, path.join(root, tag));
  assert.deepEqual([...host.v2Controllers].sort(), ['cpu', 'memory', 'pids']);
  assert.equal(host.reason, '');
  assert.deepEqual(host.v1, {});
});

test('v2 without root uses only a delegated cgroup, never the root of the hierarchy', () => {
  const root = fakeRoot({ 'cgroup.controllers': 'memory pids\n', 'cgroup.procs': '' });
  const notDelegated = detectCgroups({ root, home: HOME, uid: 1000, ownCgroup: '/user.slice/missing' });
  assert.equal(notDelegated.mode, 'none');
  assert.match(notDelegated.reason, /not root.*Delegate=yes/);

  const own = '/user.slice/pm.service';
  fs.mkdirSync(path.join(root, own), { recursive: true });
  fs.writeFileSync(path.join(root, own, 'cgroup.procs'), '');
  const delegated = detectCgroups({ root, home: HOME, uid: 1000, ownCgroup: own });
  assert.equal(delegated.mode, 'v2');
  assert.equal(delegated.unified, path.join(root, own, tag));
  assert.equal(fs.existsSync(path.join(root, tag)), false);
});

test('a hybrid host: v2 for membership, v1 controllers for limits; missing ones are named', () => {
  const root = fakeRoot({
    'unified/cgroup.controllers': 'hugetlb\n',
    'unified/cgroup.procs': '',
    'unified/cgroup.subtree_control': '',
    'memory/cgroup.procs': '',
    'memory/memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n',
    'pids/cgroup.procs': '',
    'freezer/cgroup.procs': '',
  });
  const host = detectCgroups({ root, home: HOME, uid: 0, ownCgroup: '/' });
  assert.equal(host.mode, 'hybrid');
  assert.equal(host.unified, path.join(root, 'unified', tag));
  assert.deepEqual(Object.keys(host.v1).sort(), ['freezer', 'memory', 'pids']);
  assert.equal(host.v1.memory, path.join(root, 'memory', tag));
  assert.equal(host.reason, 'no cpu controller');
  assert.deepEqual(unenforceable(host, { cpu: 0.5, hardMemoryBytes: 1 << 20, maxProcs: 10 }), ['cpu']);
});

test('a v1 memory controller that counts no OOM kills (a kernel before 4.13) is named in the reason', () => {
  const root = fakeRoot({
    'memory/cgroup.procs': '',
    'memory/memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\n',
    'pids/cgroup.procs': '',
  });
  const host = detectCgroups({ root, home: HOME, uid: 0, ownCgroup: null });
  assert.match(host.reason, /no OOM kill count .*hard_memory breaches are not reported/);
});

test('v1 alone is for root only', () => {
  const root = fakeRoot({ 'memory/cgroup.procs': '', 'pids/cgroup.procs': '' });
  assert.equal(detectCgroups({ root, home: HOME, uid: 1000, ownCgroup: null }).mode, 'none');
  const host = detectCgroups({ root, home: HOME, uid: 0, ownCgroup: null });
  assert.equal(host.mode, 'v1');
  assert.match(host.reason, /cpu/);
  assert.match(host.reason, /freezer/);
});

test('no cgroups: every limit that needs one is unenforceable', () => {
  const host = detectCgroups({ root: fakeRoot({}), home: HOME, uid: 0, ownCgroup: '/' });
  assert.deepEqual(unenforceable(host, { hardMemoryBytes: 1, cpu: 1, maxProcs: 1, maxMemoryBytes: 1 }), [
    'hard_memory',
    'cpu',
    'max_procs',
  ]);
  assert.deepEqual(unenforceable(host, { maxMemoryBytes: 1 }), []);
});

function v1Host(): { host: CgroupHost; root: string } {
  const root = fakeRoot({});
  const v1 = Object.fromEntries(
    ['memory', 'pids', 'cpu', 'cpuacct', 'freezer'].map((c) => [c, path.join(root, c, tag)]),
  );
  return { root, host: { mode: 'v1', reason: '', unified: null, v2Controllers: new Set(), v1 } };
}

test('v1: limits go to each controller, and an unset limit is lifted', () => {
  const { host, root } = v1Host();
  const cgroup = new InstanceCgroup(host, 'web.0');
  cgroup.prepare({ hardMemoryBytes: 64 << 20, cpu: 0.5, maxProcs: 20 });
  const dir = (c: string) => path.join(root, c, tag, 'web.0');
  assert.equal(read(path.join(dir('memory'), 'memory.limit_in_bytes')), String(64 << 20));
  // Memory and swap together at the same ceiling: a hard limit is not dodged by swapping.
  assert.equal(read(path.join(dir('memory'), 'memory.memsw.limit_in_bytes')), String(64 << 20));
  assert.equal(read(path.join(dir('cpu'), 'cpu.cfs_period_us')), '100000');
  assert.equal(read(path.join(dir('cpu'), 'cpu.cfs_quota_us')), '50000');
  assert.equal(read(path.join(dir('pids'), 'pids.max')), '20');

  cgroup.prepare({});
  assert.equal(read(path.join(dir('memory'), 'memory.limit_in_bytes')), '-1');
  assert.equal(read(path.join(dir('cpu'), 'cpu.cfs_quota_us')), '-1');
  assert.equal(read(path.join(dir('pids'), 'pids.max')), 'max');
});

test('v1: a run joins every hierarchy; membership, usage, breaches and freeze are read from it', () => {
  const { host, root } = v1Host();
  const cgroup = new InstanceCgroup(host, 'web.0');
  cgroup.prepare({});
  cgroup.join(4242);
  const dir = (c: string) => path.join(root, c, tag, 'web.0');
  for (const c of ['memory', 'pids', 'cpu', 'cpuacct', 'freezer'])
    assert.equal(read(path.join(dir(c), 'cgroup.procs')), '4242');
  assert.deepEqual(cgroup.members(), [4242]);
  assert.equal(cgroup.populated(), true);

  fs.writeFileSync(path.join(dir('cpuacct'), 'cpuacct.usage'), '2500000000\n');
  fs.writeFileSync(
    path.join(dir('memory'), 'memory.stat'),
    'cache 0\nrss 0\ntotal_cache 3000000\ntotal_rss 10000\ntotal_mapped_file 2000\ntotal_inactive_file 1000\n',
  );
  // What RSS counts: anonymous and mapped file pages, not the page cache the instance only read.
  assert.deepEqual(cgroup.usage(), { cpuUsec: 2_500_000, memoryBytes: 12_000 });

  fs.writeFileSync(
    path.join(dir('memory'), 'memory.oom_control'),
    'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n',
  );
  fs.writeFileSync(path.join(dir('pids'), 'pids.events'), 'max 7\n');
  assert.deepEqual(cgroup.breaches(), { oomKills: 2, pidsRefused: 7 });

  assert.equal(cgroup.freeze(true), true);
  assert.equal(read(path.join(dir('freezer'), 'freezer.state')), 'FROZEN');
  assert.equal(cgroup.freeze(false), true);
  assert.equal(read(path.join(dir('freezer'), 'freezer.state')), 'THAWED');
});

function v2Host(): { host: CgroupHost; base: string } {
  const root = fakeRoot({});
  const base = path.join(root, tag);
  return {
    base,
    host: {
      mode: 'v2',
      reason: '',
      unified: base,
      v2Controllers: new Set(['memory', 'pids', 'cpu']),
      v1: {},
    },
  };
}

test('v2: limits, usage, breaches, freeze and kill through the unified files', () => {
  const { host, base } = v2Host();
  const cgroup = new InstanceCgroup(host, 'api.3');
  const dir = path.join(base, 'api.3');
  cgroup.prepare({ hardMemoryBytes: 32 << 20, cpu: 2, maxProcs: 5 });
  assert.equal(read(path.join(dir, 'memory.max')), String(32 << 20));
  assert.equal(read(path.join(dir, 'memory.swap.max')), '0');
  assert.equal(read(path.join(dir, 'cpu.max')), '200000 100000');
  assert.equal(read(path.join(dir, 'pids.max')), '5');
  cgroup.prepare({});
  assert.equal(read(path.join(dir, 'memory.max')), 'max');
  assert.equal(read(path.join(dir, 'cpu.max')), 'max 100000');

  fs.writeFileSync(path.join(dir, 'cgroup.events'), 'populated 0\nfrozen 0\n');
  fs.writeFileSync(path.join(dir, 'cgroup.procs'), '17\n');
  // cgroup.events is the truth where there is one (a zombie may still be listed in cgroup.procs).
  assert.equal(cgroup.populated(), false);

  fs.writeFileSync(path.join(dir, 'cpu.stat'), 'usage_usec 1234\nuser_usec 1000\nsystem_usec 234\n');
  fs.writeFileSync(
    path.join(dir, 'memory.stat'),
    'anon 40000\nfile 900000\nkernel_stack 100\nfile_mapped 4000\nactive_file 4000\ninactive_file 6000\n',
  );
  assert.deepEqual(cgroup.usage(), { cpuUsec: 1234, memoryBytes: 44_000 });

  fs.writeFileSync(path.join(dir, 'memory.events'), 'low 0\nhigh 0\nmax 9\noom 1\noom_kill 1\n');
  fs.writeFileSync(path.join(dir, 'pids.events'), 'max 3\n');
  assert.deepEqual(cgroup.breaches(), { oomKills: 1, pidsRefused: 3 });

  // Without cgroup.freeze or a freezer, the caller falls back to SIGSTOP.
  assert.equal(cgroup.freeze(true), false);
  fs.writeFileSync(path.join(dir, 'cgroup.freeze'), '0');
  assert.equal(cgroup.freeze(true), true);
  assert.equal(read(path.join(dir, 'cgroup.freeze')), '1');
  // A new run never starts in a cgroup a paused run left frozen.
  cgroup.prepare({});
  assert.equal(read(path.join(dir, 'cgroup.freeze')), '0');

  fs.writeFileSync(path.join(dir, 'cgroup.kill'), '');
  cgroup.kill();
  assert.equal(read(path.join(dir, 'cgroup.kill')), '1');
  assert.equal(cgroup.killed, true, 'a stop kills again while the cgroup is not empty');
  cgroup.prepare({});
  assert.equal(cgroup.killed, false, 'a new run is not killed again');
});

test('a cgroup made now gets only the limits that are set, and a run with the limits last written writes none', () => {
  const { host, base } = v2Host();
  const cgroup = new InstanceCgroup(host, 'quiet.0');
  const dir = path.join(base, 'quiet.0');
  cgroup.prepare({});
  assert.deepEqual(fs.readdirSync(dir), [], 'a new cgroup is unlimited already');
  cgroup.prepare({ maxProcs: 9 });
  assert.equal(read(path.join(dir, 'pids.max')), '9');
  assert.equal(read(path.join(dir, 'memory.max')), 'max', 'an existing cgroup gets every value');
  fs.writeFileSync(path.join(dir, 'pids.max'), 'left alone');
  cgroup.prepare({ maxProcs: 9 });
  assert.equal(read(path.join(dir, 'pids.max')), 'left alone', 'the same limits: nothing written');
  cgroup.prepare({ maxProcs: 10 });
  assert.equal(read(path.join(dir, 'pids.max')), '10');
  // Gone (removed, by pm or by hand): made and written again.
  fs.rmSync(dir, { recursive: true });
  cgroup.prepare({ maxProcs: 10 });
  assert.equal(read(path.join(dir, 'pids.max')), '10');
});

test('a cgroup whose directories were never made (a run adopted from a daemon without cgroups) is neither frozen nor killed, and nothing throws', () => {
  const cgroup = new InstanceCgroup(v2Host().host, 'old.0');
  assert.equal(cgroup.freeze(true), false);
  assert.doesNotThrow(() => cgroup.kill());
  assert.deepEqual(cgroup.members(), []);
  const v1 = new InstanceCgroup(v1Host().host, 'old.0');
  assert.equal(v1.freeze(true), false);
  assert.doesNotThrow(() => v1.kill());
});

test('a cgroup without counters yields no usage: the monitor reads /proc instead', () => {
  const { host } = v2Host();
  const cgroup = new InstanceCgroup({ ...host, v2Controllers: new Set() }, 'x.0');
  cgroup.prepare({});
  assert.deepEqual(cgroup.usage(), { cpuUsec: null, memoryBytes: null });
  assert.deepEqual(cgroup.breaches(), { oomKills: 0, pidsRefused: 0 });
});
