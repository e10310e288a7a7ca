// A cgroup per instance on the real kernel (CI runs as root on a hybrid host): what escapes a process
// group does not escape the cgroup, limits are the kernel's, breaches are events, and a host without
// cgroups (a cgroup root that is an empty directory) falls back to process groups and says so.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { buildAppSpec } from '../../src/config/app-spec/build-app-spec.js';
import { homeTag } from '../../src/isolation/cgroup-host.js';
import type { LimitsSpec } from '../../src/protocol/app-spec.js';
import type { ProcessInfo } from '../../src/protocol/process-info.js';
import { homeCgroupDirs } from '../helpers/cgroups.js';
import { listApps, request } from '../helpers/daemon.js';
import { isGone, procState, waitForPids } from '../helpers/proc.js';
import { linuxOnly } from '../helpers/proc-backend.js';
import { readEvents } from '../helpers/recovery.js';
import { pm, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const t = setupTempHome();

/** Why this host cannot run the cgroup tests, or null when it can. */
function noCgroups(): string | null {
  const portable = linuxOnly('a cgroup per instance');
  if (portable) return portable;
  if (process.getuid?.() !== 0) return 'cgroups need root here (CI runs as root)';
  if (
    !fs.existsSync('/sys/fs/cgroup/cgroup.controllers') &&
    !fs.existsSync('/sys/fs/cgroup/unified/cgroup.controllers')
  )
    return 'no cgroup v2 hierarchy on this host';
  return null;
}

/** Decided when the tests are defined: node 20 runs no afterEach for a test that skips itself, and
 * each such test would leave its temporary home behind. */
const CGROUPS_MISSING = noCgroups() ?? false;

async function startShell(
  name: string,
  command: string,
  limits: LimitsSpec = {},
  env: NodeJS.ProcessEnv = t.env,
): Promise<ProcessInfo> {
  const baseEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) baseEnv[key] = value;
  const spec = buildAppSpec(
    { script: command, name, stop: { killTimeoutMs: 500 }, limits },
    { baseDir: t.home, baseEnv },
  );
  const [info] = (await request(env, { type: 'apply', apps: [spec] })).instances;
  return info!;
}

/** The instance's v2 cgroup directory. */
const unifiedDir = (name: string): string => {
  const base = homeCgroupDirs(t.home).find((d) => fs.existsSync(path.join(d, '..', 'cgroup.controllers')))!;
  return path.join(base, name);
};
const members = (dir: string): number[] =>
  fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);

test('pm ping says which mechanism isolates instances', { skip: CGROUPS_MISSING }, async () => {
  const { stdout } = await pm(['ping'], t.env);
  assert.match(stdout, /^isolation: cgroup v2/m);
  const json = JSON.parse((await pm(['ping', '--json'], t.env)).stdout);
  assert.match(json.isolation.mechanism, /^cgroup-/);
  assert.match(fs.readFileSync(path.join(t.home, 'daemon.log'), 'utf8'), /isolation: cgroup v2/);
  // A shutdown removes the home's cgroup directories, once its apps are stopped.
  await startShell('brief', 'exec sleep 300');
  assert.ok(homeCgroupDirs(t.home).length > 0);
  await pm(['kill'], t.env);
  assert.deepEqual(homeCgroupDirs(t.home), []);
});

test('a double-forked grandchild that left the group and the session is gone after pm stop', {
  skip: CGROUPS_MISSING,
}, async () => {
  const pidFile = path.join(t.home, 'pids');
  // setsid -f: fork, then setsid, then exec: the grandchild has its own session and group.
  await startShell(
    'dbl',
    `setsid -f sh -c 'echo $$ >> ${pidFile}; exec sleep 300'; echo $$ >> ${pidFile}; exec sleep 300`,
  );
  const pids = await waitForPids(pidFile, 2);
  const dir = unifiedDir('dbl.0');
  await waitFor(() => pids.every((pid) => members(dir).includes(pid)), { message: 'both in the cgroup' });

  assert.match((await pm(['describe', 'dbl'], t.env)).stdout, /isolation +a cgroup per instance: cgroup v2/);
  await pm(['stop', 'dbl'], t.env);
  for (const pid of pids) assert.ok(isGone(pid), `${pid} is still running`);
  assert.deepEqual(members(dir), []);

  await pm(['delete', 'dbl'], t.env);
  assert.equal(fs.existsSync(dir), false, 'the deleted instance keeps its cgroup');
});

test('what a run leaves behind when its main process exits is stopped and counted', {
  skip: CGROUPS_MISSING,
}, async () => {
  const pidFile = path.join(t.home, 'pids');
  await startShell('leaky', `setsid -f sh -c 'echo $$ >> ${pidFile}; exec sleep 300'; sleep 0.2; exit 3`);
  const [leaked] = await waitForPids(pidFile, 1);
  const exit = await waitFor(
    () => readEvents(t.home, 'leaky').find((e) => e.type === 'exited' && Number(e.data?.leakedProcesses) > 0),
    { message: 'an exited event counting the leftovers' },
  );
  assert.match(exit.message, /1 leftover process\(es\) of the run stopped/);
  await waitFor(() => isGone(leaked!), { message: `leftover ${leaked} stopped` });
  await pm(['delete', 'leaky'], t.env);
});

test('hard_memory: an OOM kill inside the instance cgroup is an isolation breach; a neighbour runs on', {
  skip: CGROUPS_MISSING,
}, async () => {
  const env = { ...t.env, PM_METRICS_INTERVAL: '500ms' };
  const neighbour = await startShell('calm', 'exec sleep 300', {}, env);
  // Grows by 1 MiB every few ms, far past 48 MiB.
  await startShell(
    'hog',
    `exec python3 -c "import time
b = []
while True:
    b.append(bytearray(1 << 20)); time.sleep(0.002)"`,
    { hardMemoryBytes: 48 << 20 },
    env,
  );
  const breach = await waitFor(
    () => readEvents(t.home, 'hog').find((e) => e.type === 'isolation-breach' && e.data?.kind === 'oom-kill'),
    { timeoutMs: 20_000, message: 'an oom-kill breach event' },
  );
  assert.equal(breach.severity, 'alert');
  assert.match(breach.message, /hard_memory reached/);
  const calm = (await listApps(env)).find((p) => p.name === 'calm')!;
  assert.equal(calm.pid, neighbour.pid, 'the neighbour was touched');
  assert.equal(calm.status, 'online');
});

test('max_procs contains a fork bomb: the daemon and a neighbour keep answering, and stop clears it', {
  skip: CGROUPS_MISSING,
}, async () => {
  const env = { ...t.env, PM_METRICS_INTERVAL: '500ms' };
  const neighbour = await startShell('calm', 'exec sleep 300', {}, env);
  await startShell('bomb', 'while :; do sleep 300 & done', { maxProcs: 30 }, env);
  const dir = unifiedDir('bomb.1'); // `<app>.<id>`: calm is id 0
  await waitFor(
    () =>
      readEvents(t.home, 'bomb').find((e) => e.type === 'isolation-breach' && e.data?.kind === 'pids-limit'),
    { timeoutMs: 20_000, message: 'a pids-limit breach event' },
  );
  assert.ok(members(dir).length <= 30, `${members(dir).length} processes in a cgroup limited to 30`);
  const list = await listApps(env);
  assert.equal(list.find((p) => p.name === 'calm')?.pid, neighbour.pid);

  await pm(['stop', 'bomb'], env);
  assert.deepEqual(members(dir), []);
});

test('pause freezes the cgroup and resume thaws it', { skip: CGROUPS_MISSING }, async () => {
  await startShell('frost', 'sleep 300 & exec sleep 300');
  const dir = unifiedDir('frost.0');
  await waitFor(() => members(dir).length === 2, { message: 'two processes in the cgroup' });
  await pm(['pause', 'frost'], t.env);
  const frozen = () => fs.readFileSync(path.join(dir, 'cgroup.events'), 'utf8').includes('frozen 1');
  await waitFor(frozen, { message: 'the cgroup frozen' });
  await pm(['resume', 'frost'], t.env);
  await waitFor(() => !frozen(), { message: 'the cgroup thawed' });
  await pm(['stop', 'frost'], t.env);
  assert.deepEqual(members(dir), []);
});

test('CPU and memory of a cgroup instance come from its counters, children included', {
  skip: CGROUPS_MISSING,
}, async () => {
  // A child holds 80 MiB it has written to; the main process spins.
  await startShell(
    'busy',
    `python3 -c "import time; b = b'x' * (80 << 20); time.sleep(300)" & while :; do :; done`,
    {},
    { ...t.env, PM_METRICS_INTERVAL: '500ms' },
  );
  await waitFor(
    async () =>
      (await listApps(t.env)).find(
        (p) => p.name === 'busy' && (p.cpuPercent ?? 0) > 20 && (p.memoryBytes ?? 0) > 80 << 20,
      ),
    { timeoutMs: 10_000, message: "a busy instance measured, with its child's memory" },
  );
});

test('a new daemon empties and removes the cgroup of an instance that is no longer defined', {
  skip: CGROUPS_MISSING,
}, async () => {
  await pm(['ping'], t.env);
  const base = homeCgroupDirs(t.home).find((d) => fs.existsSync(path.join(d, '..', 'cgroup.controllers')))!;
  assert.equal(path.basename(base), homeTag(fs.realpathSync(t.home)));
  await pm(['kill'], t.env);
  // What a crashed daemon could leave: the cgroup of a deleted app, a process still in it.
  const stray = path.join(base, 'gone.0');
  fs.mkdirSync(stray, { recursive: true });
  const pidFile = path.join(t.home, 'stray.pid');
  const { spawn } = await import('node:child_process');
  const child = spawn('sh', ['-c', `echo $$ > ${stray}/cgroup.procs; echo $$ > ${pidFile}; exec sleep 300`], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  const [pid] = await waitForPids(pidFile, 1);
  assert.deepEqual(members(stray), [pid]);

  const { stderr } = await pm(['ping'], t.env);
  assert.match(stderr, /removed 1 cgroups of instances no longer defined \(1 processes killed\)/);
  const swept = readEvents(t.home).find((e) => e.type === 'cgroups-swept');
  assert.deepEqual([swept?.severity, swept?.data?.removed, swept?.data?.killed], ['alert', 1, 1]);
  assert.ok(isGone(pid!));
  assert.equal(fs.existsSync(stray), false);
});

test('without cgroups (an empty cgroup root) pm falls back to process groups, says so, and refuses what it cannot enforce', async () => {
  const root = path.join(t.home, 'no-cgroups');
  fs.mkdirSync(root);
  const env = { ...t.env, PM_CGROUP_ROOT: root };
  const { stdout } = await pm(['ping'], env);
  assert.match(stdout, /^isolation: process groups \(no cgroups: .+\)$/m);

  const info = await startShell('plain', 'exec sleep 300', {}, env);
  assert.equal(info.status === 'online' || info.status === 'starting', true);
  const { stdout: described } = await pm(['describe', 'plain'], env);
  assert.match(
    described,
    /isolation +best effort: process group, session and the run's environment mark; process groups \(no cgroups/,
  );
  // Without a freezer, pause is SIGSTOP to the tree and resume SIGCONT.
  await pm(['pause', 'plain'], env);
  await waitFor(() => procState(info.pid!) === 'T', { message: 'the process stopped (T)' });
  await pm(['resume', 'plain'], env);
  await waitFor(() => procState(info.pid!) !== 'T', { message: 'the process running again' });
  await pm(['stop', 'plain'], env);

  const spec = buildAppSpec({ script: 'exec sleep 300', name: 'limited' }, { baseDir: t.home, baseEnv: {} });
  const refused = await runCli(['ping'], env).then(async () => {
    try {
      await request(env, { type: 'apply', apps: [{ ...spec, limits: { maxProcs: 10 } }] });
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  });
  assert.match(refused ?? '', /limits\.max_procs cannot be enforced on this host .*best_effort: true/);
  assert.equal(
    (await listApps(env)).find((p) => p.name === 'limited'),
    undefined,
    'a refused apply defined it',
  );

  await request(env, { type: 'apply', apps: [{ ...spec, limits: { maxProcs: 10, bestEffort: true } }] });
  const { stderr } = await pm(['list'], env);
  assert.match(stderr, /app "limited": limits\.max_procs not enforced \(best_effort\)/);
  assert.ok(readEvents(t.home, 'limited').some((e) => e.type === 'limit-not-enforced'));
});

test('open file descriptors are counted, shown by describe, and max_fds alerts once', async () => {
  const env = { ...t.env, PM_METRICS_INTERVAL: '250ms' };
  await startShell(
    'fds',
    `exec python3 -c "import os, time
fds = [os.open('/dev/null', os.O_RDONLY) for _ in range(100)]
time.sleep(300)"`,
    { maxFds: 50 },
    env,
  );
  const event = await waitFor(
    () => readEvents(t.home, 'fds').find((e) => e.type === 'limit-exceeded' && e.data?.limit === 'max_fds'),
    { timeoutMs: 15_000, message: 'a max_fds alert' },
  );
  assert.equal(event.severity, 'alert');
  assert.ok(Number(event.data?.openFds) > 100);
  const { stdout } = await pm(['describe', 'fds'], env);
  assert.match(stdout, /open fds\s+\d{3}/);
  const { stdout: metrics } = await pm(['metrics'], env);
  assert.match(metrics, /pm_instance_open_fds\{name="fds",index="0",id="0"\} \d{3}/);
  await pm(['describe', 'fds'], env);
  assert.equal(readEvents(t.home, 'fds').filter((e) => e.data?.limit === 'max_fds').length, 1);
});

test('a process of the run moved out of its cgroup is an isolation breach, and pm stop still ends it', {
  skip: CGROUPS_MISSING,
}, async () => {
  const pidFile = path.join(t.home, 'pids');
  const v2 = fs.existsSync('/sys/fs/cgroup/cgroup.controllers') ? '/sys/fs/cgroup' : '/sys/fs/cgroup/unified';
  // As root, an app can move its own process to the root cgroup, and leave its session too.
  await startShell(
    'mover',
    `setsid sh -c 'echo $$ > ${v2}/cgroup.procs; echo $$ >> ${pidFile}; exec sleep 300' & exec sleep 300`,
  );
  const [escapee] = await waitForPids(pidFile, 1);
  const dir = unifiedDir('mover.0');
  await waitFor(() => !members(dir).includes(escapee!) && members(dir).length === 1, {
    message: 'the escapee outside the cgroup',
  });

  await pm(['stop', 'mover'], t.env);
  assert.ok(isGone(escapee!), `escapee ${escapee} survived the stop`);
  const breach = readEvents(t.home, 'mover').find((e) => e.type === 'isolation-breach');
  assert.equal(breach?.data?.kind, 'escaped');
  assert.equal(breach?.data?.pids, String(escapee));
});

test('nothing of a deleted app but its logs stays in the home; a new daemon removes pipes a crash left', async () => {
  const pipeDir = path.join(t.home, 'pipes');
  await startShell('gone', 'exec sleep 300');
  await waitFor(() => fs.readdirSync(pipeDir).some((name) => name.includes('gone')), {
    message: 'its pipes',
  });
  await pm(['delete', 'gone'], t.env);
  assert.deepEqual(
    fs.readdirSync(pipeDir).filter((name) => name.includes('gone')),
    [],
  );
  const left = fs.readdirSync(t.home).filter((name) => name.includes('gone'));
  assert.deepEqual(left, [], `left in the home: ${left.join(' ')}`);
  assert.ok(
    fs.readdirSync(path.join(t.home, 'logs')).some((name) => name.startsWith('gone')),
    'its logs stay',
  );
  assert.doesNotMatch(fs.readFileSync(path.join(t.home, 'state.json'), 'utf8'), /"gone"/);

  // What a daemon killed in the middle of a delete leaves: the pipes of an instance it no longer has.
  await pm(['kill'], t.env);
  const { execFileSync } = await import('node:child_process');
  const stray = path.join(pipeDir, 'crashed-0.out');
  execFileSync('mkfifo', ['-m', '600', stray]);
  await pm(['ping'], t.env);
  assert.equal(fs.existsSync(stray), false, 'the stray pipe is still there');
});

test('limits.cpu holds a busy loop to its share of a core, and the flag path refuses a bad share', {
  skip: CGROUPS_MISSING,
}, async () => {
  await startShell('spin', 'while :; do :; done', { cpu: 0.2 });
  // The kernel's own count of the periods in which it stopped the instance at its quota.
  const stats = homeCgroupDirs(t.home).map((d) => path.join(d, 'spin.0', 'cpu.stat'));
  const throttled = () =>
    stats.some(
      (file) =>
        Number(
          /nr_throttled (\d+)/.exec(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '')?.[1] ?? 0,
        ) > 0,
    );
  await waitFor(throttled, { message: 'the instance throttled at its quota' });
  const dir = unifiedDir('spin.0');
  const usec = () => Number(/usage_usec (\d+)/.exec(fs.readFileSync(path.join(dir, 'cpu.stat'), 'utf8'))![1]);
  const startUsec = usec();
  const startMs = Date.now();
  await waitFor(() => Date.now() - startMs >= 1500 || null, { message: 'a window of spinning' });
  const share = (usec() - startUsec) / 1000 / (Date.now() - startMs);
  assert.ok(share < 0.3, `a 0.2 core limit let it use ${share.toFixed(2)} of a core`);
  const refused = await runCli(['start', 'sleep 1', '--name', 'bad', '--cpu', '0'], t.env);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /cpu/);
});
