// Metrics end to end: tree-wide figures in list/describe, `pm metrics` and the Prometheus
// endpoint, metrics_collection: false, the watch stream, and `pm top` without a terminal.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { DaemonClient } from '../../src/cli/daemon-client.js';
import { resolvePaths } from '../../src/config/paths.js';
import type { WatchEvent } from '../../src/protocol/monitoring.js';
import { waitForPids } from '../helpers/proc.js';
import { assertValidExposition, parseExposition } from '../helpers/prometheus.js';
import { freePort } from '../helpers/recovery.js';
import { fixtureApp, pm, ROOT } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const t = setupTempHome({
  setup: ({ env, home }) => {
    env.PM_METRICS_INTERVAL = '200ms';
    // The /proc walk, which these tests compare with each process's RSS; a cgroup's counters are
    // tested in isolation.test.ts (a cgroup charges shared pages once, to whoever loaded them).
    fs.mkdirSync(path.join(home, 'no-cgroups'));
    env.PM_CGROUP_ROOT = path.join(home, 'no-cgroups');
  },
});

interface ListEntry {
  name: string;
  index: number;
  pid: number | null;
  cpu: number | null;
  memory: number | null;
}

const listJson = async (): Promise<ListEntry[]> => JSON.parse((await pm(['list', '--json'], t.env)).stdout);

function rssBytes(pid: number): number {
  const [, residentPages] = fs.readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ').map(Number);
  return residentPages! * 4096;
}

test('list, describe and metrics report memory summed over the whole process tree, with min/avg/max in describe', async () => {
  const counter = path.join(t.home, 'count');
  await pm(['start', fixtureApp('counter-tree.js'), '--name', 'tree', '--', counter], t.env);
  const pids = await waitForPids(`${counter}.pids`, 2);
  const [entry] = await waitFor(
    async () => {
      const list = await listJson();
      const sum = pids.reduce((total, pid) => total + rssBytes(pid), 0);
      // Both processes are counted: more than either one, about their sum.
      return list[0]?.memory &&
        list[0].memory > Math.max(...pids.map(rssBytes)) * 1.3 &&
        list[0].memory > sum * 0.7
        ? list
        : null;
    },
    { message: 'list memory to cover the parent and its child' },
  );
  assert.ok(entry!.cpu !== null && entry!.cpu >= 0);

  const [app] = await waitFor(
    async () => {
      const apps = JSON.parse((await pm(['describe', 'tree', '--json'], t.env)).stdout);
      return apps[0].instances[0].usage?.samples >= 3 ? apps : null;
    },
    { message: 'three samples of history' },
  );
  const usage = app.instances[0].usage;
  assert.ok(usage.memoryBytes.min <= usage.memoryBytes.avg && usage.memoryBytes.avg <= usage.memoryBytes.max);
  assert.ok(usage.cpuPercent.min <= usage.cpuPercent.max);
  const text = (await pm(['describe', 'tree'], t.env)).stdout;
  assert.match(text, /cpu range {3}\S+% \/ \S+% \/ \S+% min\/avg\/max over \d+s \(\d+ samples\)/);
  assert.match(text, /mem range {3}[\d.]+ [KMG]B \/ [\d.]+ [KMG]B \/ [\d.]+ [KMG]B min\/avg\/max/);
});

test('pm metrics prints valid Prometheus text, and PM_PROMETHEUS_PORT serves the same on 127.0.0.1 only', async () => {
  const port = await freePort();
  t.env.PM_PROMETHEUS_PORT = String(port);
  await pm(['start', fixtureApp('forever.js'), '--name', 'web', '-i', '2'], t.env);
  await waitFor(async () => (await listJson()).every((p) => p.memory !== null), {
    message: 'a first sample',
  });

  const text = (await pm(['metrics'], t.env)).stdout;
  assertValidExposition(text);
  const samples = parseExposition(text);
  for (const index of ['0', '1']) {
    for (const name of [
      'pm_instance_cpu_percent',
      'pm_instance_memory_bytes',
      'pm_instance_restarts_total',
      'pm_instance_uptime_seconds',
    ]) {
      assert.ok(
        samples.some((s) => s.name === name && s.labels.name === 'web' && s.labels.index === index),
        `${name} web:${index}`,
      );
    }
    assert.ok(
      samples.some(
        (s) =>
          s.name === 'pm_instance_state' &&
          s.labels.index === index &&
          s.labels.state === 'online' &&
          s.value === 1,
      ),
    );
  }
  const families = JSON.parse((await pm(['metrics', '--json'], t.env)).stdout);
  assert.ok(families.some((f: { name: string }) => f.name === 'pm_daemon_memory_bytes'));

  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const served = await response.text();
  assertValidExposition(served);
  assert.ok(
    parseExposition(served).some((s) => s.name === 'pm_instance_memory_bytes' && s.labels.name === 'web'),
  );
  assert.equal((await fetch(`http://127.0.0.1:${port}/other`)).status, 404);
  const external = Object.values(os.networkInterfaces())
    .flat()
    .find((address) => address && address.family === 'IPv4' && !address.internal);
  if (external) {
    await assert.rejects(
      fetch(`http://${external.address}:${port}/metrics`, { signal: AbortSignal.timeout(2000) }),
    );
  }
});

test('an app with metrics_collection: false is never sampled, while the others are', async () => {
  const config = path.join(t.home, 'apps.yaml');
  fs.writeFileSync(
    config,
    [
      'apps:',
      `  - name: quiet`,
      `    script: ${fixtureApp('forever.js')}`,
      '    monitoring: { metrics_collection: false }',
      `  - name: loud`,
      `    script: ${fixtureApp('forever.js')}`,
      '',
    ].join('\n'),
  );
  await pm(['start', config], t.env);
  await waitFor(async () => (await listJson()).find((p) => p.name === 'loud')?.memory, {
    message: 'loud sampled',
  });
  // Several more ticks: quiet still has nothing.
  const stats = await waitFor(
    async () => {
      const apps = JSON.parse((await pm(['describe', 'loud', '--json'], t.env)).stdout);
      return apps[0].instances[0].usage?.samples >= 4 ? apps : null;
    },
    { message: 'four samples of loud' },
  );
  assert.ok(stats);
  const quiet = (await listJson()).find((p) => p.name === 'quiet')!;
  assert.equal(quiet.cpu, null);
  assert.equal(quiet.memory, null);
  const described = JSON.parse((await pm(['describe', 'quiet', '--json'], t.env)).stdout);
  assert.equal(described[0].instances[0].usage, null);
});

test('the watch stream opens with a snapshot of every instance, then sends changes and samples', async () => {
  await pm(['start', fixtureApp('forever.js'), '--name', 'web'], t.env);
  const client = await DaemonClient.connect(resolvePaths(t.env), { autoStart: false });
  const events: WatchEvent[] = [];
  const done = client.stream({ type: 'watch' }, (event) => events.push(event)).catch(() => {});
  try {
    const first = await waitFor(() => events[0], { message: 'the snapshot' });
    assert.equal(first.type, 'snapshot');
    assert.deepEqual(first.type === 'snapshot' && first.processes.map((p) => `${p.name}:${p.index}`), [
      'web:0',
    ]);
    assert.equal(first.type === 'snapshot' && first.metricsIntervalMs, 200);
    await pm(['start', fixtureApp('forever.js'), '--name', 'api'], t.env);
    await waitFor(
      () =>
        events.some(
          (e) => e.type === 'changes' && e.processes.some((p) => p.name === 'api' && p.status === 'online'),
        ),
      { message: 'a change for api' },
    );
    await waitFor(() => events.some((e) => e.type === 'sample' && e.usage.length === 2 && e.daemon.pid > 0), {
      message: 'a sample of both instances',
    });
    await pm(['delete', 'api'], t.env);
    await waitFor(() => events.some((e) => e.type === 'changes' && e.removedIds.length === 1), {
      message: 'a removal',
    });
    assert.equal(events.filter((e) => e.type === 'snapshot').length, 1);
  } finally {
    client.close();
    await done;
  }
});

/** Files that make node append every module URL it resolves to PM_TRACE_FILE (a loader hook). */
function writeImportTracer(dir: string): string {
  const hooks = path.join(dir, 'trace-hooks.mjs');
  fs.writeFileSync(
    hooks,
    [
      "import fs from 'node:fs';",
      'export async function resolve(specifier, context, next) {',
      '  const resolved = await next(specifier, context);',
      "  fs.appendFileSync(process.env.PM_TRACE_FILE, resolved.url + '\\n');",
      '  return resolved;',
      '}',
    ].join('\n'),
  );
  const register = path.join(dir, 'trace-register.mjs');
  fs.writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${hooks}`)});\n`,
  );
  return register;
}

test('pm list loads neither ink nor react (only pm top does)', async () => {
  await pm(['start', fixtureApp('forever.js'), '--name', 'web'], t.env);
  const trace = path.join(t.home, 'imports.txt');
  const env = { ...t.env, PM_TRACE_FILE: trace, NODE_OPTIONS: `--import=${writeImportTracer(t.home)}` };
  for (const args of [['list'], ['list', '--json']]) {
    fs.rmSync(trace, { force: true });
    await pm(args, env);
    const urls = fs.readFileSync(trace, 'utf8').split('\n');
    assert.ok(
      urls.some((url) => url.endsWith('/bin/pm')),
      'the tracer ran for the CLI',
    );
    assert.deepEqual(
      urls.filter((url) => /node_modules\/(ink|react)\/|\/src\/top\//.test(url)),
      [],
      `pm ${args.join(' ')}`,
    );
  }
  // The bundled CLI (dist/pm.cjs) must not carry the view: pm top imports it by path.
  const bundle = fs.readFileSync(path.join(ROOT, 'dist/pm.cjs'), 'utf8');
  assert.ok(!/require\(["'](ink|react)["']\)/.test(bundle), 'dist/pm.cjs requires ink or react');
});

test('pm top without a terminal prints the header and one table, then exits 0', async () => {
  await pm(['start', fixtureApp('forever.js'), '--name', 'web', '-i', '2'], t.env);
  const { stdout } = await pm(['top'], t.env);
  const lines = stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^pm top · 2 instances: 2 online · cpu \S+% · mem /);
  assert.match(lines[1]!, /^daemon pid \d+ · cpu /);
  assert.match(stdout, /│ web:0 +│ \d+ +│ online/);
  assert.match(stdout, /│ web:1 +│ \d+ +│ online/);
  const once = await pm(['top', '--once'], t.env);
  assert.match(once.stdout, /web:1/);
});
