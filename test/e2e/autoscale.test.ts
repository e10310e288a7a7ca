// Autoscaling: a pool grows on a CPU load above its target, shrinks back to min_size once its
// instances idle, reports a saturated pool as a scaling error, and `pm scale` keeps to its bounds.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { PmEvent } from '../../src/protocol/events.js';
import { listApps, request } from '../helpers/daemon.js';
import { portableBackend } from '../helpers/proc-backend.js';
import { pm } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const t = setupTempHome({
  setup: (home) => {
    home.env.PM_METRICS_INTERVAL = '250ms';
  },
});

async function events(): Promise<PmEvent[]> {
  const { stdout } = await pm(['events', '--json', '--lines', '1000'], t.env);
  return stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as PmEvent);
}

/** A pool whose instances burn a core while `burn` exists, then sleep. */
function writePool(pool: string, command?: string): { config: string; burn: string } {
  const burn = path.join(t.home, 'burn');
  const config = path.join(t.home, 'pm.yaml');
  const run = command ?? `while [ -e ${burn} ]; do :; done; exec sleep 100000`;
  fs.writeFileSync(config, `apps:\n  - name: web\n    command: '${run}'\n    pool: ${pool}\n`);
  return { config, burn };
}

const count = async () => (await listApps(t.env)).filter((p) => p.name === 'web').length;

/** Linux's ps (what the portable backend reads when forced here) counts CPU time in whole seconds
 * (macOS's in hundredths): a 1 s load window sees 0 % and 200 % by turns. */
const coarseCpu =
  portableBackend() && 'procps ps counts CPU time in whole seconds: too coarse for a 1 s load window';

test('a pool grows on a cpu load above its target and shrinks back to min_size once idle', {
  skip: coarseCpu,
}, async () => {
  const { config, burn } = writePool(
    '{ min_size: 1, max_size: 3, target_cpu: 50, cooldown: 1s, idle_timeout: 2s }',
  );
  fs.writeFileSync(burn, '');
  await pm(['start', config], t.env);

  const grew = await waitFor(
    async () =>
      (await events()).find(
        (e) => e.type === 'scaled' && e.app === 'web' && /cpu \d+% > 50%/.test(e.message),
      ),
    { timeoutMs: 15_000, message: 'a scaled event naming the cpu' },
  );
  assert.match(grew.message, /^scaled web 1→[23]: cpu \d+% > 50% for /);
  assert.ok((await count()) > 1, 'the pool did not grow');
  const described = (await pm(['describe', 'web'], t.env)).stdout;
  assert.match(described, /pool\s+1–3 instances/);
  assert.match(described, /target 50%/);

  fs.rmSync(burn);
  const shrank = await waitFor(
    async () =>
      (await count()) === 1
        ? (await events()).find(
            (e) => e.type === 'scaled' && e.app === 'web' && / idle for 2s$/.test(e.message),
          )
        : undefined,
    { timeoutMs: 15_000, message: 'back to 1 instance on an idle event' },
  );
  assert.match(shrank.message, /^scaled web \d→1: web:\d(, web:\d)* idle for 2s$/);
});

test('pm scale keeps a pool within its bounds, and --min/--max change them', async () => {
  const { config } = writePool(
    '{ min_size: 1, max_size: 3, target_cpu: 50, cooldown: 1s, idle_timeout: 60s }',
    'exec sleep 100000',
  );
  await pm(['start', config], t.env);

  const refused = await pm(['scale', 'web', '5'], t.env, 1);
  assert.match(refused.stderr, /runs 1 to 3 instances/);
  assert.match(refused.stderr, /pm scale web --min N --max N/);
  await pm(['scale', 'web', '3'], t.env);
  assert.equal(await count(), 3);

  await pm(['scale', 'web', '--min', '2', '--max', '2'], t.env);
  assert.equal(await count(), 2, 'new bounds bring the count within them');
  const [app] = await request(t.env, { type: 'apps' });
  assert.deepEqual(app?.pool, { minSize: 2, maxSize: 2 });
  const [entry] = JSON.parse((await pm(['list', '--json'], t.env)).stdout);
  assert.deepEqual([entry.pool_min, entry.pool_max], [2, 2]);
  await pm(['scale', 'web', '--max', '6'], t.env);
  await pm(['scale', 'web', '6'], t.env);
  assert.equal(await count(), 6);

  const bad = await pm(['scale', 'web', '--min', '7'], t.env, 1);
  assert.match(bad.stderr, /--min must be at most --max/);

  await pm(['save'], t.env);
  const dump = fs.readFileSync(path.join(t.home, 'dump.yaml'), 'utf8');
  assert.match(dump, /maxSize: 6/, 'pm save keeps the bounds set at run time');
  const pids = (await listApps(t.env)).map((p) => p.pid);
  await pm(['start', config], t.env);
  const after = await listApps(t.env);
  assert.equal(after.length, 3, 'the config applied again: its max_size 3, the count kept within it');
  assert.deepEqual(
    after.map((p) => p.pid),
    pids.slice(0, 3),
    'new bounds restart no instance',
  );
});

test('a pool saturated at max_size with the load above target is a scaling error', {
  skip: coarseCpu,
}, async () => {
  const { config, burn } = writePool(
    '{ min_size: 1, max_size: 1, target_cpu: 50, cooldown: 1s, idle_timeout: 60s }',
  );
  fs.writeFileSync(burn, '');
  await pm(['start', config], t.env);
  const error = await waitFor(async () => (await events()).find((e) => e.type === 'scaling-error'), {
    timeoutMs: 15_000,
    message: 'a scaling-error event',
  });
  fs.rmSync(burn);
  assert.equal(error.severity, 'alert');
  assert.match(error.message, /^web saturated: cpu \d+% > 50% at max_size 1/);
  assert.equal(await count(), 1);
});

test('a pool grows on its queue to ceil(queue / per_instance) and shrinks back once the queue is empty', async () => {
  const queue = path.join(t.home, 'queue');
  fs.writeFileSync(queue, '0\n');
  const { config } = writePool(
    `{ min_size: 1, max_size: 5, cooldown: 500ms, idle_timeout: 1s, queue: { exec: "cat ${queue}", per_instance: 2, interval: 250ms } }`,
    'exec sleep 100000',
  );
  await pm(['start', config], t.env);
  assert.equal(await count(), 1);

  fs.writeFileSync(queue, '5\n');
  const grew = await waitFor(
    async () =>
      (await count()) === 3
        ? (await events()).find((e) => e.type === 'scaled' && e.app === 'web' && /queue/.test(e.message))
        : undefined,
    { timeoutMs: 15_000, message: 'grown to 3 on a queue of 5' },
  );
  assert.equal(grew.message, 'scaled web 1→3: queue 5 > 1×2');
  const described = (await pm(['describe', 'web'], t.env)).stdout;
  assert.match(
    described,
    /queue\s+5 waiting, wants 3 instances \(.* ago\); 2 per instance, every 250ms: cat /,
  );

  fs.writeFileSync(queue, '0\n');
  const shrank = await waitFor(
    async () =>
      (await count()) === 1
        ? (await events()).find(
            (e) => e.type === 'scaled' && e.app === 'web' && / idle for 1s$/.test(e.message),
          )
        : undefined,
    { timeoutMs: 15_000, message: 'back to 1 instance once the queue is empty and the instances idle' },
  );
  assert.match(shrank.message, /^scaled web 3→[12]: web:\d(, web:\d)? idle for 1s$/);
  assert.equal((await events()).filter((e) => e.type === 'scaling-error').length, 0);
});

test('a queue probe that prints no number is one scaling-error, and the pool keeps running', async () => {
  const { config } = writePool(
    '{ min_size: 1, max_size: 3, cooldown: 500ms, idle_timeout: 60s, queue: { exec: "echo garbage", per_instance: 2, interval: 250ms } }',
    'exec sleep 100000',
  );
  await pm(['start', config], t.env);
  const error = await waitFor(async () => (await events()).find((e) => e.type === 'scaling-error'), {
    timeoutMs: 15_000,
    message: 'a scaling-error event',
  });
  assert.equal(error.severity, 'alert');
  assert.equal(
    error.message,
    'web queue probe failed: `echo garbage` printed "garbage", not one number; ' +
      'check that `echo garbage` prints one number (retried every 250ms; no shrinking meanwhile)',
  );
  // Several more probes fail: still one event for the streak.
  await waitFor(
    async () => /queue\s+error: printed "garbage"/.test((await pm(['describe', 'web'], t.env)).stdout),
    { timeoutMs: 5_000, message: 'describe shows the probe error' },
  );
  // Three more probes fail after the event: still one event for the streak.
  const readingAt = async () => {
    const [app] = await request(t.env, { type: 'describe', target: { kind: 'name', name: 'web' } });
    const reading = app?.autoscale?.queue;
    return reading && 'error' in reading ? reading.at : 0;
  };
  const seen = new Set<number>();
  await waitFor(
    async () => {
      const at = await readingAt();
      if (at > error.ts) seen.add(at);
      return seen.size >= 3;
    },
    { timeoutMs: 10_000, message: 'three more failed probes' },
  );
  assert.equal((await events()).filter((e) => e.type === 'scaling-error').length, 1);
  assert.equal(await count(), 1);
});

test('a pool with min_size 0 rests at 0 and its queue grows it again', async () => {
  const queue = path.join(t.home, 'queue');
  fs.writeFileSync(queue, '0');
  const { config } = writePool(
    `{ min_size: 0, max_size: 4, cooldown: 500ms, idle_timeout: 1s, queue: { exec: "cat ${queue}", per_instance: 2, interval: 250ms } }`,
    'exec sleep 100000',
  );
  await pm(['start', config], t.env);
  assert.equal(await count(), 0);
  fs.writeFileSync(queue, '3');
  await waitFor(async () => (await count()) === 2, { timeoutMs: 15_000, message: 'grown from 0 to 2' });
  const grew = (await events()).find((e) => e.type === 'scaled' && /queue/.test(e.message));
  assert.equal(grew?.message, 'scaled web 0→2: queue 3 > 0×2');
  fs.writeFileSync(queue, '0');
  await waitFor(async () => (await count()) === 0, { timeoutMs: 15_000, message: 'back to 0 once idle' });
});

test('a pool the user stopped is not grown by its queue', async () => {
  const queue = path.join(t.home, 'queue');
  fs.writeFileSync(queue, '0\n');
  const { config } = writePool(
    `{ min_size: 1, max_size: 5, cooldown: 200ms, idle_timeout: 1s, queue: { exec: "cat ${queue}", per_instance: 1, interval: 250ms } }`,
    'exec sleep 100000',
  );
  await pm(['start', config], t.env);
  await pm(['stop', 'web'], t.env);
  fs.writeFileSync(queue, '4\n');
  const readingAt = async (): Promise<number | null> => {
    const [app] = JSON.parse((await pm(['describe', 'web', '--json'], t.env)).stdout);
    const reading = app?.autoscale?.queue;
    return reading && reading.value === 4 ? reading.at : null;
  };
  // Two readings of 4 (each acted on as it arrives): the decision had its chances.
  const first = await waitFor(readingAt, { message: 'the queue read as 4' });
  await waitFor(async () => ((await readingAt()) ?? first) > first || null, { message: 'a second reading' });
  const list = (await listApps(t.env)).filter((p) => p.name === 'web');
  assert.deepEqual(
    list.map((p) => p.status),
    ['stopped'],
  );
  assert.ok(!(await events()).some((e) => e.type === 'scaled' && /queue/.test(e.message)));
});
