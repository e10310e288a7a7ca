// pm save / pm kill / pm resurrect: the same apps come back with the same definitions and env, and
// the daemon-wide settings that config files applied come back with them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import { listApps, request } from '../helpers/daemon.js';
import { isGone, readDaemonPidFile } from '../helpers/proc.js';
import { scrape, writeMonitoringConfig } from '../helpers/prometheus.js';
import { freePort } from '../helpers/recovery.js';
import { FIXTURES, pm, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const TWO_APPS = path.join(FIXTURES, 'configs/two-apps.yaml');

let dump: string;
const t = setupTempHome({
  setup: ({ home }) => {
    dump = path.join(home, 'dump.yaml');
  },
});

async function allOnline(count: number) {
  return waitFor(
    async () => {
      const infos = await listApps(t.env);
      return infos.length === count && infos.every((p) => p.status === 'online') ? infos : null;
    },
    { timeoutMs: 30_000, message: `${count} online instances` },
  );
}

const specs = async () =>
  (await request(t.env, { type: 'describe', target: { kind: 'all' } })).map((app) => app.spec);

test('save, kill, resurrect brings back the same apps with the same env, from a 0600 dump', async () => {
  await pm(['start', TWO_APPS], t.env);
  await allOnline(3);
  const saved = await specs();
  const { stdout } = await pm(['save'], t.env);
  assert.match(stdout, /^saved 2 apps to .*dump\.yaml \(web, worker\)$/m);
  assert.equal(fs.statSync(dump).mode & 0o777, 0o600);
  // No config set a daemon setting: the environment's defaults are not saved.
  assert.doesNotMatch(stdout, /daemon settings/);
  assert.doesNotMatch(fs.readFileSync(dump, 'utf8'), /^settings:/m);
  await pm(['kill'], t.env);
  await pm(['resurrect'], t.env);
  await allOnline(3);
  assert.deepEqual(await specs(), saved);
  assert.deepEqual(
    (await specs()).map((spec) => spec.env),
    [{ COLOR: 'blue' }, { QUEUE: 'emails' }],
  );
});

test('resurrect leaves apps that are already running alone', async () => {
  await pm(['start', TWO_APPS], t.env);
  const before = (await allOnline(3)).map((p) => p.pid);
  await pm(['save'], t.env);
  const { stdout } = await pm(['resurrect'], t.env);
  assert.match(stdout, /already running, left alone: web, worker/);
  assert.deepEqual(
    (await allOnline(3)).map((p) => p.pid),
    before,
  );
});

test('save refuses to replace a non-empty dump with an empty app list unless --force, and keeps a .bak', async () => {
  await pm(['start', TWO_APPS], t.env);
  await allOnline(3);
  await pm(['save'], t.env);
  const full = fs.readFileSync(dump, 'utf8');
  await pm(['delete', 'all'], t.env);
  const refused = await runCli(['save'], t.env);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /holds 2 saved apps: start your apps first, or pass --force/);
  assert.equal(fs.readFileSync(dump, 'utf8'), full);
  await pm(['save', '--force'], t.env);
  assert.equal(fs.readFileSync(`${dump}.bak`, 'utf8'), full);
  assert.match(fs.readFileSync(dump, 'utf8'), /^apps: \[\]$/m);
});

test('resurrect without a dump says to save first', async () => {
  const result = await runCli(['resurrect'], t.env);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /nothing saved yet .*: run `pm save` first/);
});

interface PingJson {
  settings: { metricsIntervalMs: number; prometheusPort: number | null };
  appliedSettings: { metricsIntervalMs?: number; prometheusPort?: number | null };
}

const ping = async (): Promise<PingJson> => JSON.parse((await pm(['ping', '--json'], t.env)).stdout);

const writeConfig = (name: string, monitoring: string[]) =>
  writeMonitoringConfig(path.join(t.home, name), monitoring);

/** Stops the daemon and waits until it has exited (its state file written). */
async function killDaemon(): Promise<void> {
  const pid = readDaemonPidFile(t.home);
  assert.ok(pid, 'no daemon.pid');
  await pm(['kill'], t.env);
  await waitFor(() => isGone(pid), { message: `daemon ${pid} gone` });
}

/** A daemon whose environment neither samples nor serves: any setting seen comes from a config or the dump. */
function withoutEnvSettings(): void {
  t.env.PM_METRICS_INTERVAL = 'off';
  delete t.env.PM_PROMETHEUS_PORT;
}

test('the settings a config applied are saved, and resurrect brings them back without the state file', async () => {
  withoutEnvSettings();
  const port = await freePort();
  await pm(
    ['start', writeConfig('pm.yaml', ['metrics_interval: 300ms', `prometheus: { port: ${port} }`])],
    t.env,
  );
  await allOnline(1);
  const { stdout } = await pm(['save'], t.env);
  assert.match(
    stdout,
    /^with the daemon settings: metrics every 300ms, prometheus on http:\/\/127\.0\.0\.1:\d+\/metrics$/m,
  );
  assert.match(
    fs.readFileSync(dump, 'utf8'),
    new RegExp(`^settings:\n  metricsIntervalMs: 300\n  prometheusPort: ${port}\n`, 'm'),
  );

  await killDaemon();
  // Only the dump can bring them back now: the new daemon starts from its environment (off, none).
  fs.rmSync(path.join(t.home, 'state.json'));
  const resurrected = await pm(['resurrect'], t.env);
  assert.match(resurrected.stdout, /^web:0 \[\d+\] /m);
  assert.match(resurrected.stdout, /^daemon settings applied: metrics every 300ms, prometheus on /m);
  await allOnline(1);
  const after = await ping();
  assert.deepEqual(after.settings, { metricsIntervalMs: 300, prometheusPort: port });
  assert.deepEqual(after.appliedSettings, { metricsIntervalMs: 300, prometheusPort: port });
  // The sampler runs again (its figures reach list), and the endpoint serves them.
  await waitFor(async () => (await listApps(t.env))[0]?.memoryBytes, { message: 'a sample of web' });
  await waitFor(
    async () => {
      const { status, body } = await scrape(port);
      return status === 200 && /^pm_instance_memory_bytes\{[^}]*name="web"/m.test(body);
    },
    { message: `a memory sample of web on 127.0.0.1:${port}` },
  );
});

test('resurrect leaves settings a config applied since the save alone, and applies the others', async () => {
  withoutEnvSettings();
  await pm(['start', writeConfig('pm.yaml', ['metrics_interval: 300ms', 'prometheus: false'])], t.env);
  await allOnline(1);
  await pm(['save'], t.env);
  await killDaemon();
  fs.rmSync(path.join(t.home, 'state.json'));
  // A new daemon, and a config that sets only the interval before resurrect.
  await pm(['start', writeConfig('other.yaml', ['metrics_interval: 500ms'])], t.env);
  await allOnline(1);
  const { stdout } = await pm(['resurrect'], t.env);
  assert.match(stdout, /already running, left alone: web/);
  assert.match(stdout, /^daemon settings applied: prometheus off$/m);
  assert.deepEqual((await ping()).appliedSettings, { metricsIntervalMs: 500, prometheusPort: null });
});

test('a saved Prometheus port taken by another program at resurrect: the apps start, exit 1 says why', async () => {
  withoutEnvSettings();
  const port = await freePort();
  await pm(['start', writeConfig('pm.yaml', [`prometheus: { port: ${port} }`])], t.env);
  await allOnline(1);
  await pm(['save'], t.env);
  await killDaemon();
  fs.rmSync(path.join(t.home, 'state.json'));
  const squatter = http.createServer();
  await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
  try {
    const resurrected = await runCli(['resurrect'], t.env);
    assert.equal(resurrected.code, 1, resurrected.stderr);
    assert.match(resurrected.stdout, /^web:0 \[\d+\] /m);
    assert.match(
      resurrected.stderr,
      /^pm: the apps were started, the daemon settings not: cannot serve Prometheus metrics on 127\.0\.0\.1:\d+: the port is in use/,
    );
    await allOnline(1);
    assert.deepEqual((await ping()).appliedSettings, {});
  } finally {
    await new Promise((resolve) => squatter.close(resolve));
  }
});

test('resurrect refuses a dump whose settings are malformed, in one line, and starts nothing', async () => {
  withoutEnvSettings();
  await pm(['start', writeConfig('pm.yaml', ['metrics_interval: 300ms'])], t.env);
  await allOnline(1);
  await pm(['save'], t.env);
  await killDaemon();
  fs.rmSync(path.join(t.home, 'state.json'));
  fs.writeFileSync(
    dump,
    fs.readFileSync(dump, 'utf8').replace('metricsIntervalMs: 300', 'metricsIntervalMs: fast'),
  );
  const result = await runCli(['resurrect'], t.env);
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    // One save: there is no .bak to restore, and none is suggested.
    /^pm: .*dump\.yaml: settings\.metricsIntervalMs: expected an integer in .*, found string: run `pm save` again\n$/,
  );
  // Nothing reached a daemon: a new one (started by ping, with this environment) has nothing.
  assert.deepEqual((await ping()).appliedSettings, {});
  assert.deepEqual(await listApps(t.env), []);
});

test('an app scaled to 0 is saved and resurrected with its definition', async () => {
  await pm(['start', 'sleep 100000', '--name', 'idle'], t.env);
  await pm(['scale', 'idle', '0'], t.env);
  await pm(['save'], t.env);
  assert.match(fs.readFileSync(dump, 'utf8'), /name: idle/);
  await pm(['kill'], t.env);
  fs.rmSync(path.join(t.home, 'state.json'));
  await pm(['resurrect'], t.env);
  const [app] = await request(t.env, { type: 'describe', target: { kind: 'name', name: 'idle' } });
  assert.equal(app?.spec.name, 'idle');
  assert.equal(app?.instances.length, 0);
});
