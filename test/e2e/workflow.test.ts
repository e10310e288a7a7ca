// depends_on with the three-step example of examples/workflow (a db that gets healthy after a delay,
// a migration task that needs it healthy, a web app that needs the migration to have succeeded):
// the start order read from the times the steps write, waiting and blocked with their reasons,
// dependencies started first, dependents stopped first, and the config errors.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { listApps } from '../helpers/daemon.js';
import { isGone, readDaemonPidFile } from '../helpers/proc.js';
import { freePort } from '../helpers/recovery.js';
import { pm, ROOT, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const t = setupTempHome();
const EXAMPLE = path.join(ROOT, 'examples/workflow');

/** The example's apps on free ports, writing their steps to a log; `migrateExit` makes it fail. */
async function workflowConfig(migrateExit = 0, dbDelayMs = 800): Promise<{ file: string; log: string }> {
  const [db, web] = [await freePort(), await freePort()];
  const log = path.join(t.home, 'steps.log');
  const env = `{ DB_PORT: "${db}", WEB_PORT: "${web}", WORKFLOW_LOG: "${log}", DB_DELAY_MS: "${dbDelayMs}", MIGRATE_EXIT: "${migrateExit}" }`;
  const file = path.join(t.home, 'pm.yaml');
  fs.writeFileSync(
    file,
    `apps:
  - name: db
    script: ${EXAMPLE}/db.js
    env: ${env}
    health: { kind: readiness, tcp: ${db}, interval: 100ms, start_period: 0s }
  - name: migrate
    type: task
    script: ${EXAMPLE}/migrate.js
    env: ${env}
    depends_on: { db: healthy }
  - name: web
    script: ${EXAMPLE}/web.js
    env: ${env}
    health: { kind: readiness, tcp: ${web}, interval: 100ms, start_period: 0s }
    depends_on:
      migrate: completed_successfully
`,
  );
  return { file, log };
}

/** The steps written so far: text → time. */
function steps(log: string): Map<string, number> {
  if (!fs.existsSync(log)) return new Map();
  return new Map(
    fs
      .readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => {
        const [at, ...text] = line.split(' ');
        return [text.join(' ').replace(/ on \d+$/, ''), Number(at)] as const;
      }),
  );
}

const status = async () =>
  Object.fromEntries(
    (await listApps(t.env)).map((p) => [p.name, `${p.status}${p.reason ? ` (${p.reason})` : ''}`]),
  );

test('the three steps start in order, each as soon as what it waits for holds', async () => {
  const { file, log } = await workflowConfig();
  await pm(['start', file], t.env);
  assert.deepEqual(await status(), {
    db: 'online',
    migrate: 'waiting (db healthy)',
    web: 'waiting (migrate completed_successfully)',
  });
  await waitFor(() => steps(log).has('web listening'), { message: 'web to listen' });
  const at = steps(log);
  assert.ok(at.get('db listening')! <= at.get('migrate done')!, 'migrate after db is up');
  assert.ok(at.get('migrate done')! <= at.get('web listening')!, 'web after the migration');
  assert.deepEqual(await status(), { db: 'online', migrate: 'completed', web: 'online' });
  const events = (await pm(['events', '--json', '--lines', '100'], t.env)).stdout;
  assert.match(
    events,
    /"type":"waiting","severity":"info","app":"web","index":0,"id":2,"message":"waiting: migrate completed_successfully"/,
  );

  // Dependents stop first: web is down before db gets its stop signal.
  await pm(['stop', 'all'], t.env);
  const stopped = steps(log);
  assert.ok(stopped.get('web stopped')! <= stopped.get('db stopped')!, `web stopped first: ${[...stopped]}`);
});

test('a failing migration leaves web not started, blocked with the reason, and an alert', async () => {
  const { file, log } = await workflowConfig(3, 0);
  await pm(['start', file], t.env);
  await waitFor(async () => (await status()).web?.startsWith('blocked'), { message: 'web blocked' });
  assert.deepEqual(await status(), { db: 'online', migrate: 'failed', web: 'blocked (migrate failed)' });
  assert.ok(!steps(log).has('web listening'));
  const table = (await pm(['list'], t.env)).stdout;
  assert.match(table, /migrate:0 .* failed \(code 3\)/);
  const events = (await pm(['events', '--json', '--lines', '100'], t.env)).stdout;
  assert.match(
    events,
    /"type":"dependency-blocked","severity":"alert","app":"web".*"message":"not started: migrate failed"/,
  );
});

test('a new daemon goes on with a workflow it finds waiting; pm start web starts what it depends on first', async () => {
  const { file, log } = await workflowConfig(0, 1_500);
  await pm(['start', file], t.env);
  assert.equal((await status()).web, 'waiting (migrate completed_successfully)');
  // The daemon dies while migrate and web wait: the next one holds them, and starts them in turn.
  const daemon = readDaemonPidFile(t.home)!;
  process.kill(daemon, 'SIGKILL');
  await waitFor(() => isGone(daemon));
  await pm(['ping'], t.env);
  await waitFor(() => steps(log).has('web listening'), { timeoutMs: 15_000, message: 'web to listen' });
  const at = steps(log);
  assert.ok(at.get('db listening')! <= at.get('migrate done')!);
  assert.ok(at.get('migrate done')! <= at.get('web listening')!);

  await pm(['stop', 'all'], t.env);
  fs.rmSync(log);
  await pm(['start', 'web'], t.env);
  await waitFor(() => steps(log).has('web listening'), { message: 'web to listen again' });
  const now = await status();
  assert.equal(now.db, 'online', 'db, which web depends on through migrate, is started too');
  assert.equal(now.migrate, 'completed', 'a completed migration is not run again');
  assert.equal(now.web, 'online');
  assert.ok(!steps(log).has('migrate done'), 'a completed migration is not run again');

  // pm delete of the file stops web, then what it depends on.
  fs.rmSync(log);
  await pm(['delete', file], t.env);
  const deleted = steps(log);
  assert.ok(deleted.get('web stopped')! <= deleted.get('db stopped')!, `web first: ${[...deleted]}`);
  assert.deepEqual(await listApps(t.env), []);
});

test('--wait returns 0 only once web is online; exits 1 at once naming a failed migration and what it blocks', async () => {
  const good = await workflowConfig(0, 600);
  const started = await runCli(['start', good.file, '--wait', '20s'], t.env);
  assert.equal(started.code, 0, started.stderr);
  assert.ok(steps(good.log).has('web listening'), 'web listens when the command returns');
  assert.match(started.stdout, /web:0 \[2\] online/);
  assert.deepEqual(await status(), { db: 'online', migrate: 'completed', web: 'online' });
  const scaled = await runCli(['scale', 'migrate', '2', '--wait'], t.env);
  assert.equal(scaled.code, 0, scaled.stderr);
  assert.match(scaled.stdout, /migrate:1 \[\d+\] completed/);
  await pm(['delete', 'all'], t.env);

  const bad = await workflowConfig(3, 0);
  const failed = await runCli(['start', bad.file, '--wait', '20s'], t.env);
  assert.equal(failed.code, 1);
  assert.match(failed.stderr, /^pm: not ready, and will not be without a change \(db, migrate, web\):\n/);
  assert.match(failed.stderr, /\n {2}migrate:0 failed \(code 3\)\n {4}out \| migrate failed with 3\n/);
  assert.match(failed.stderr, /\n {2}web:0 blocked \(migrate failed\)\n/);
});

test('--wait names an instance whose readiness probe does not pass in time, with its last verdict', async () => {
  const port = await freePort();
  const file = path.join(t.home, 'probe.yaml');
  fs.writeFileSync(
    file,
    `apps:
  - name: api
    command: sh -c 'echo starting up; exec sleep 100000'
    health: { kind: readiness, tcp: ${port}, interval: 100ms, start_period: 0s }
`,
  );
  const result = await runCli(['start', file, '--wait', '1s'], t.env);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^pm: not ready after 1s \(api\):\n {2}api:0 online, health unhealthy\n/);
  assert.match(result.stderr, /\n {4}last probe: .*readiness probe tcp 127\.0\.0\.1:\d+ failed/);
  assert.match(result.stderr, /\n {4}out \| starting up/);
  const restarted = await runCli(['restart', 'api', '--wait', '500ms'], t.env);
  assert.equal(restarted.code, 1);
  assert.match(restarted.stderr, /^pm: not ready after 1s \(api\)|^pm: not ready after 0s \(api\)/);
});

test('a dependency cycle and an unknown dependency are config errors that name the cycle and a near name', async () => {
  const file = path.join(t.home, 'bad.yaml');
  fs.writeFileSync(
    file,
    `apps:
  - name: a
    command: sleep 100
    depends_on: [b]
  - name: b
    command: sleep 100
    depends_on: { c: started }
  - name: c
    command: sleep 100
    depends_on: { a: started, migrat: started }
  - name: migrate
    type: task
    command: "true"
`,
  );
  const result = await runCli(['start', file], t.env);
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /bad\.yaml:4:\d+: apps\[0\]\.depends_on: found a dependency cycle: a → b → c → a/,
  );
  assert.match(
    result.stderr,
    /bad\.yaml:10:\d+: apps\[2\]\.depends_on\.migrat: found "migrat", expected an app of this file: did you mean "migrate"\?/,
  );
  assert.deepEqual(await listApps(t.env), [], 'nothing started');
});
