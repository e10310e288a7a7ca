// The daemon-wide settings of a config file (process_management.monitoring: metrics_interval,
// prometheus.port) applied to a running daemon by `pm start`: the endpoint starts, moves and
// stops, the sampler follows the interval, both survive a daemon crash, and a bad value changes
// nothing. The environment variables (monitoring-metrics.test.ts) are only the defaults.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { DaemonClient } from '../../src/cli/daemon-client.js';
import { resolvePaths } from '../../src/config/paths.js';
import type { WatchEvent } from '../../src/protocol/monitoring.js';
import { listApps } from '../helpers/daemon.js';
import { isGone, readDaemonPidFile } from '../helpers/proc.js';
import {
  assertValidExposition,
  isRefused,
  parseExposition,
  scrape,
  writeMonitoringConfig,
} from '../helpers/prometheus.js';
import { freePort } from '../helpers/recovery.js';
import { fixtureApp, pm, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

let config: string;
const t = setupTempHome({
  setup: ({ home, env }) => {
    // Without the config, the daemon would neither sample nor serve: whatever happens comes from it.
    env.PM_METRICS_INTERVAL = 'off';
    delete env.PM_PROMETHEUS_PORT;
    config = path.join(home, 'pm.yaml');
  },
});

const writeConfig = (monitoring: string[]) => writeMonitoringConfig(config, monitoring);

interface PingJson {
  pid: number;
  settings: { metricsIntervalMs: number; prometheusPort: number | null };
  prometheusError?: string;
}

const ping = async (): Promise<PingJson> => JSON.parse((await pm(['ping', '--json'], t.env)).stdout);

/** Two free ports that differ. */
async function twoPorts(): Promise<[number, number]> {
  const first = await freePort();
  const second = await waitFor(async () => {
    const port = await freePort();
    return port !== first ? port : null;
  });
  return [first, second];
}

/** The samples of a scrape of the port, once it serves a memory figure of web (the first sample). */
async function scrapeWeb(port: number) {
  return waitFor(
    async () => {
      const { status, contentType, body } = await scrape(port);
      assert.equal(status, 200);
      assert.match(contentType, /^text\/plain; version=0\.0\.4/);
      assertValidExposition(body);
      const samples = parseExposition(body);
      return samples.some((s) => s.name === 'pm_instance_memory_bytes' && s.labels.name === 'web')
        ? samples
        : null;
    },
    { message: `a memory sample of web on 127.0.0.1:${port}` },
  );
}

test('prometheus.port serves the app on 127.0.0.1, a new port in the file moves it, and false stops it', async () => {
  const [first, second] = await twoPorts();
  writeConfig(['metrics_interval: 200ms', `prometheus: { port: ${first} }`]);
  await pm(['start', config], t.env);
  const samples = await scrapeWeb(first);
  assert.ok(
    samples.some(
      (s) =>
        s.name === 'pm_instance_state' &&
        s.labels.name === 'web' &&
        s.labels.state === 'online' &&
        s.value === 1,
    ),
  );
  assert.equal((await scrape(first, '/other')).status, 404);

  writeConfig(['metrics_interval: 200ms', `prometheus: { port: ${second} }`]);
  await pm(['start', config], t.env);
  // The reply comes once the new port is bound and the old one let go.
  await scrapeWeb(second);
  assert.ok(await isRefused(first), `127.0.0.1:${first} still answers after the move`);
  assert.equal((await ping()).settings.prometheusPort, second);

  writeConfig(['prometheus: false']);
  await pm(['start', config], t.env);
  assert.ok(await isRefused(second), `127.0.0.1:${second} still answers after prometheus: false`);
  assert.deepEqual((await ping()).settings, { metricsIntervalMs: 200, prometheusPort: null });
});

test('metrics_interval in the file makes a daemon started with sampling off sample at that pace', async () => {
  await pm(['start', fixtureApp('forever.js'), '--name', 'web'], t.env);
  assert.equal((await ping()).settings.metricsIntervalMs, 0);
  writeConfig(['metrics_interval: 200ms']);
  await pm(['start', config, '--force'], t.env); // the file's web replaces the one started by hand
  assert.equal((await ping()).settings.metricsIntervalMs, 200);
  await waitFor(async () => (await listApps(t.env))[0]?.memoryBytes, { message: 'a first sample of web' });

  const client = await DaemonClient.connect(resolvePaths(t.env), { autoStart: false });
  const events: WatchEvent[] = [];
  const done = client.stream({ type: 'watch' }, (event) => events.push(event)).catch(() => {});
  try {
    const first = await waitFor(() => events[0], { message: 'the snapshot' });
    assert.equal(first.type === 'snapshot' && first.metricsIntervalMs, 200);
    await waitFor(() => events.filter((e) => e.type === 'sample').length >= 3, { message: 'three samples' });
  } finally {
    client.close();
    await done;
  }
});

test('the settings a config applied survive a daemon SIGKILL: the next daemon samples and serves the same', async () => {
  const port = await freePort();
  writeConfig(['metrics_interval: 250ms', `prometheus: { port: ${port} }`]);
  await pm(['start', config], t.env);
  await scrapeWeb(port);
  const [web] = await listApps(t.env);

  const daemonPid = readDaemonPidFile(t.home)!;
  process.kill(daemonPid, 'SIGKILL');
  await waitFor(() => isGone(daemonPid), { message: `daemon ${daemonPid} gone` });
  // The next command starts a new daemon whose environment still says off and no port.
  const after = await ping();
  assert.notEqual(after.pid, daemonPid);
  assert.deepEqual(after.settings, { metricsIntervalMs: 250, prometheusPort: port });
  assert.equal(after.prometheusError, undefined);
  const [adopted] = await listApps(t.env);
  assert.equal(adopted?.pid, web?.pid, 'the app was adopted, not restarted');
  await scrapeWeb(port);
});

test('a bad value or a misplaced key is one error line and exit 1; a port in use changes nothing', async () => {
  const port = await freePort();
  writeConfig([`prometheus: { port: ${port} }`]);
  await pm(['start', config], t.env);
  await waitFor(async () => (await scrape(port)).status === 200, { message: 'the endpoint' });
  const before = await listApps(t.env);

  writeConfig(['prometheus: { port: 70000 }']);
  const badPort = await runCli(['start', config], t.env);
  assert.equal(badPort.code, 1);
  assert.deepEqual(badPort.stderr.trimEnd().split('\n'), [
    `pm: ${config}:3:25: process_management.monitoring.prometheus.port: found 70000, expected a whole number from 1 to 65535`,
  ]);

  fs.writeFileSync(
    config,
    `apps:\n  - name: web\n    script: ${fixtureApp('forever.js')}\n    monitoring: { metrics_interval: 1s }\n`,
  );
  const misplaced = await runCli(['start', config], t.env);
  assert.equal(misplaced.code, 1);
  assert.match(
    misplaced.stderr,
    /^pm: \S+:4:19: apps\[0\]\.monitoring\.metrics_interval: found "metrics_interval" here, expected it in process_management\.monitoring .*\n$/,
  );

  const busy = net.createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  try {
    const busyPort = (busy.address() as net.AddressInfo).port;
    writeConfig([`prometheus: { port: ${busyPort} }`, 'metrics_interval: 300ms']);
    fs.appendFileSync(config, `  - name: api\n    script: ${fixtureApp('forever.js')}\n`);
    const inUse = await runCli(['start', config], t.env);
    assert.equal(inUse.code, 1);
    assert.match(
      inUse.stderr,
      new RegExp(
        `^pm: cannot serve Prometheus metrics on 127\\.0\\.0\\.1:${busyPort}: the port is in use \\(EADDRINUSE\\); nothing was changed`,
      ),
    );
  } finally {
    busy.close();
  }

  assert.equal((await scrape(port)).status, 200, 'the endpoint still serves its port');
  assert.deepEqual((await ping()).settings, { metricsIntervalMs: 0, prometheusPort: port });
  const after = await listApps(t.env);
  assert.deepEqual(
    after.map((p) => [p.name, p.pid]),
    before.map((p) => [p.name, p.pid]),
    'no app was started or restarted',
  );
});
