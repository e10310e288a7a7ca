// `pm reload` behind shared sockets: every request answered while each instance is replaced, a
// replacement that never gets ready keeps the old instance, and a daemon killed mid-reload leaves
// one instance per index. Real daemons, real processes, real loopback sockets.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { listApps } from '../helpers/daemon.js';
import { isGone, readDaemonPidFile } from '../helpers/proc.js';
import { scrape } from '../helpers/prometheus.js';
import { freePort, readEvents } from '../helpers/recovery.js';
import { fixtureApp, pm, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { processesOf } from '../helpers/temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const t = setupTempHome();

/** One request on a new connection: the pid that answered, or the error. */
const ask = (port: number): Promise<{ pid: number } | { error: string }> =>
  scrape(port, '/').then(
    (answer) => (answer.status === 200 ? { pid: Number(answer.body) } : { error: `status ${answer.status}` }),
    (error: NodeJS.ErrnoException) => ({ error: error.code ?? error.message }),
  );

/** Requests from `loops` loops until stopped: which pids answered, and every failure. */
function load(port: number, loops = 4) {
  let running = true;
  const pids = new Set<number>();
  const failures: string[] = [];
  let answered = 0;
  const workers = Array.from({ length: loops }, async () => {
    while (running) {
      const result = await ask(port);
      if ('pid' in result) {
        pids.add(result.pid);
        answered += 1;
      } else failures.push(result.error);
    }
  });
  return {
    pids,
    async stop() {
      running = false;
      await Promise.all(workers);
      return { answered, failures };
    },
  };
}

function writeConfig(body: string): string {
  const file = path.join(t.home, 'pm.yaml');
  fs.writeFileSync(file, body);
  return file;
}

async function startHttp(port: number, extra = '', instances = 2): Promise<void> {
  const file = writeConfig(`apps:
  - name: web
    script: ${fixtureApp('http-pid.js')}
    instances: ${instances}
    listen: [${port}]
    env: { PORT: "${port}", NOT_READY_FLAG: "${path.join(t.home, 'broken')}" }
${extra}`);
  await pm(['start', file], t.env);
  await waitFor(async () => 'pid' in (await ask(port)), { message: 'the app to answer' });
}

test('pm reload of 2 instances behind listen: answers every request and replaces every pid', async () => {
  const port = await freePort();
  await startHttp(port);
  const before = (await listApps(t.env)).map((p) => p.pid!);
  const traffic = load(port);
  await waitFor(() => before.every((pid) => traffic.pids.has(pid)), { message: 'both instances to answer' });
  const reload = await pm(['reload', 'web'], t.env);
  const after = await listApps(t.env);
  await waitFor(() => after.every((p) => traffic.pids.has(p.pid!)), {
    message: 'the new instances to answer',
  });
  const { answered, failures } = await traffic.stop();
  assert.deepEqual(failures, [], `${failures.length} of ${answered + failures.length} requests failed`);
  assert.deepEqual(
    after.map((p) => [p.index, p.status]),
    [
      [0, 'online'],
      [1, 'online'],
    ],
  );
  assert.ok(
    after.every((p) => !before.includes(p.pid!)),
    `every pid replaced: ${before} → ${after.map((p) => p.pid)}`,
  );
  assert.ok(before.every(isGone), 'the old runs are gone');
  assert.match(reload.stdout, /web/);
  const events = await pm(['events', '--json', '--lines', '100'], t.env);
  assert.equal(events.stdout.match(/"type":"reloaded"/g)?.length, 2);
});

test('pm reload <config> reloads the apps whose definition changed, with no failed request, and leaves the others', async () => {
  const port = await freePort();
  const config = (version: number) =>
    writeConfig(`apps:
  - name: web
    script: ${fixtureApp('http-pid.js')}
    instances: 2
    listen: [${port}]
    env: { PORT: "${port}", VERSION: "${version}" }
  - name: idle
    command: sleep 100000
`);
  await pm(['start', config(1)], t.env);
  await waitFor(async () => 'pid' in (await ask(port)), { message: 'the app to answer' });
  const before = await listApps(t.env);
  const traffic = load(port);
  await pm(['reload', config(2)], t.env);
  const { failures } = await traffic.stop();
  assert.deepEqual(failures, []);
  const after = await listApps(t.env);
  const pidsOf = (list: typeof before, name: string) => list.filter((p) => p.name === name).map((p) => p.pid);
  assert.ok(
    pidsOf(after, 'web').every((pid) => !pidsOf(before, 'web').includes(pid)),
    'web reloaded',
  );
  assert.deepEqual(pidsOf(after, 'idle'), pidsOf(before, 'idle'), 'idle untouched');
  const events = await pm(['events', '--json', '--lines', '100'], t.env);
  assert.equal(events.stdout.match(/"type":"reloaded"/g)?.length, 2);
  assert.doesNotMatch(events.stdout, /"type":"stopped","severity":"[a-z]+","app":"web"/);
});

test('a replacement that never gets ready: exit 1 naming it, the old instance still serving', async () => {
  const port = await freePort();
  await startHttp(port, '    wait_ready: true\n    listen_timeout: 1s\n', 1);
  const [old] = await listApps(t.env);
  fs.writeFileSync(path.join(t.home, 'broken'), '');
  const reload = await runCli(['reload', 'web'], t.env);
  assert.equal(reload.code, 1, reload.stderr);
  assert.match(
    reload.stderr,
    /^pm: reload stopped at web:0: its replacement was not ready: it did not say it is ready \(a line on PM_READY_FD\) within 1s; stopped it and kept pid \d+/,
  );
  assert.equal(reload.stderr.trim().split('\n').length, 1, 'one line');
  const answer = await ask(port);
  assert.deepEqual(answer, { pid: old!.pid }, 'the old instance serves on');
  const after = await listApps(t.env);
  assert.deepEqual(
    after.map((p) => [p.id, p.pid]),
    [[old!.id, old!.pid]],
    'one instance, the old one',
  );
});

test('a reload while the app scales: both finish, one instance per index, all online', async () => {
  const port = await freePort();
  await startHttp(port);
  const traffic = load(port, 2);
  const [reload, scale] = await Promise.all([
    runCli(['reload', 'web'], t.env),
    runCli(['scale', 'web', '4'], t.env),
  ]);
  assert.equal(reload.code, 0, reload.stderr);
  assert.equal(scale.code, 0, scale.stderr);
  const { failures } = await traffic.stop();
  assert.deepEqual(failures, []);
  const after = await listApps(t.env);
  assert.deepEqual(
    after.map((p) => [p.index, p.status]),
    [
      [0, 'online'],
      [1, 'online'],
      [2, 'online'],
      [3, 'online'],
    ],
  );
});

test('a daemon killed while a replacement waits: the next daemon keeps the old instance and stops the replacement', async () => {
  const port = await freePort();
  await startHttp(port, '    wait_ready: true\n    listen_timeout: 60s\n', 1);
  const [old] = await listApps(t.env);
  fs.writeFileSync(path.join(t.home, 'broken'), '');
  const reload = runCli(['reload', 'web'], t.env);
  const replacement = await waitFor(
    async () => (await listApps(t.env)).find((p) => p.id !== old!.id && p.pid !== null),
    { message: 'the replacement to run' },
  );
  process.kill(readDaemonPidFile(t.home)!, 'SIGKILL');
  assert.equal((await reload).code, 2, 'the command reports the daemon gone');
  await waitFor(async () => (await listApps(t.env)).length === 1, {
    message: 'the replacement to be dropped',
  });
  assert.ok(isGone(replacement.pid!), 'the replacement is stopped');
  assert.deepEqual(
    (await listApps(t.env)).map((p) => [p.id, p.pid]),
    [[old!.id, old!.pid]],
  );
  assert.deepEqual(await ask(port), { pid: old!.pid }, 'the old instance serves on');
  const events = await pm(['events', '--json', '--lines', '100'], t.env);
  assert.match(events.stdout, /"type":"reload-interrupted"/);
});

test('a readiness probe decides when a replacement is ready; an exec probe gets the pid it checks', async () => {
  const port = await freePort();
  const seen = path.join(t.home, 'probed-pids');
  await startHttp(
    port,
    `    health: { kind: readiness, exec: 'echo "$PM_PID" >> ${seen}', interval: 200ms, start_period: 0s }\n`,
    1,
  );
  const [old] = await listApps(t.env);
  await pm(['reload', 'web'], t.env);
  const [fresh] = await listApps(t.env);
  assert.notEqual(fresh!.pid, old!.pid);
  const probed = fs.readFileSync(seen, 'utf8').split('\n').filter(Boolean).map(Number);
  assert.ok(probed.includes(fresh!.pid!), `the replacement's own pid was probed: ${probed}`);
  const events = await pm(['events', '--json', '--lines', '100'], t.env);
  assert.match(events.stdout, /ready: its readiness probe passed/);
});

test('a watched file change of an app behind listen: is a rolling reload, with no failed request', async () => {
  const port = await freePort();
  const watched = path.join(t.home, 'app/release.txt'); // pm's own files in the home are not watched
  fs.mkdirSync(path.dirname(watched));
  fs.writeFileSync(watched, '1');
  await startHttp(port, `    watch: ["app/release.txt"]\n    watch_delay: 200ms\n`);
  await waitFor(() => readEvents(t.home).some((e) => e.type === 'watching'), { message: 'the watch set up' });
  const before = (await listApps(t.env)).map((p) => p.pid!);
  const traffic = load(port, 2);
  fs.writeFileSync(watched, '2');
  await waitFor(() => readEvents(t.home).filter((e) => e.type === 'reloaded').length === 2, {
    message: 'both instances reloaded',
  });
  const { failures } = await traffic.stop();
  assert.deepEqual(failures, []);
  const changed = readEvents(t.home).find((e) => e.type === 'file-changed');
  assert.equal(changed?.message, 'app/release.txt changed: reloading');
  // A replaced instance may still be stopping when its `reloaded` event is written.
  await waitFor(async () => (await listApps(t.env)).every((p) => !before.includes(p.pid!)), {
    message: 'only the new runs listed',
  });
});

for (const [language, script] of [
  ['Python', 'listen-fd.py'],
  ['Perl', 'listen-fd.pl'],
] as const) {
  test(`docs/scaling.md's ${language} example serves on the socket pm passes, and a reload waits for its notice`, async () => {
    const port = await freePort();
    const interpreter = language === 'Python' ? 'python3' : 'perl';
    const file = writeConfig(`apps:
  - name: web
    command: ${interpreter} ${fixtureApp(script)}
    instances: 2
    listen: ["127.0.0.1:${port}"]
    wait_ready: true
`);
    await pm(['start', file], t.env);
    const before = (await listApps(t.env)).map((p) => p.pid!);
    if (before.includes(null as unknown as number)) {
      const logs = await pm(['logs', 'web', '--lines', '20', '--no-follow'], t.env).catch(() => null);
      throw new Error(`an instance is not running: ${JSON.stringify(await listApps(t.env))} ${logs?.stdout}`);
    }
    const answer = await waitFor(async () => {
      const result = await ask(port);
      return 'pid' in result ? result : null;
    });
    assert.ok(before.includes(answer.pid), `answered by an instance: ${answer.pid} of ${before}`);
    await pm(['reload', 'web'], t.env);
    const after = (await listApps(t.env)).map((p) => p.pid!);
    assert.ok(after.every((pid) => !before.includes(pid)));
    const events = await pm(['events', '--json', '--lines', '100'], t.env);
    assert.equal(events.stdout.match(/ready: it said it is ready/g)?.length, 2);
  });
}

test('pm kill during a reload stops every run, the replacements the reload made too', async () => {
  const file = writeConfig(`apps:
  - name: slow
    script: /bin/sh
    args: ["-c", "[ -n \\"$PM_READY_FD\\" ] && eval \\"echo ready >&$PM_READY_FD\\"; exec sleep 100000"]
    instances: 300
    wait_ready: true
`);
  await pm(['start', file], t.env);
  // Replacements made while the stop of 300 goes on, turn by turn, were left running.
  const reload = runCli(['reload', 'slow', '--parallel', '10'], t.env);
  await waitFor(() => readEvents(t.home).some((e) => e.type === 'reloaded'), {
    message: 'a first instance reloaded',
  });
  await pm(['kill'], t.env);
  await reload;
  await waitFor(() => processesOf(t.home).length === 0, {
    message: `no process of the home left: ${processesOf(t.home).join(' ')}`,
  });
});

test('bad input: an unknown app, --parallel 0, a port out of range, a port in use', async () => {
  const unknown = await runCli(['reload', 'nosuch'], t.env);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^pm: no process matches "nosuch"/);
  const parallel = await runCli(['reload', 'web', '--parallel', '0'], t.env);
  assert.equal(parallel.code, 1);
  assert.match(parallel.stderr, /--parallel.*expected a number of instances from 1 to 10000/);
  const range = await runCli(
    ['start', writeConfig('apps:\n  - name: a\n    command: sleep 100\n    listen: [70000]\n')],
    t.env,
  );
  assert.equal(range.code, 1);
  assert.match(range.stderr, /apps\[0\]\.listen\[0\]/);
  const taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = taken.address() as net.AddressInfo;
    const inUse = await runCli(
      ['start', 'sleep', '--name', 'b', '--listen', `127.0.0.1:${port}`, '--', '100'],
      t.env,
    );
    assert.equal(inUse.code, 1, inUse.stderr);
    assert.match(
      inUse.stderr,
      new RegExp(`^pm: cannot start b: cannot listen on 127.0.0.1:${port}: address already in use\\n$`),
    );
    assert.deepEqual(await listApps(t.env), [], 'nothing started');
  } finally {
    taken.close();
  }
});
