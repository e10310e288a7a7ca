// Each fixture's apps translated key by key: the pm keys, the comments where the meaning shifts,
// and a warning for each option left out.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { ImportContext } from '../../../../src/config/pm2-import/app-draft.js';
import { loadEcosystem, type Pm2App } from '../../../../src/config/pm2-import/load-ecosystem.js';
import { translateEcosystem } from '../../../../src/config/pm2-import/translate-ecosystem.js';
import { FIXTURES } from '../../../helpers/run-cli.js';

const DIR = path.join(FIXTURES, 'pm2');
const context: ImportContext = {
  sourceDir: DIR,
  outputDir: DIR,
  cpus: 8,
  isFile: (file) => fs.existsSync(file),
};

const translateFixture = (name: string) => translateEcosystem(loadEcosystem(path.join(DIR, name)), context);
const translateApps = (apps: Pm2App[], at: Partial<ImportContext> = {}) =>
  translateEcosystem({ apps, otherKeys: [] }, { ...context, ...at });

test('the common options of the simple file map to their pm keys', () => {
  const { apps, warnings } = translateFixture('simple.config.js');
  assert.deepEqual(warnings, []);
  assert.deepEqual(apps[0]!.entry, {
    name: 'api',
    script: './server.js',
    args: '--verbose --port 3000',
    env: { NODE_ENV: 'development' },
    recovery: { auto_restart: true, max_restarts: 10, min_uptime: '10s', restart_delay: '1s' },
    stop: { signal: 'SIGINT', kill_timeout: '3s' },
    limits: { max_memory: '300M' },
    watch: ['server.js', 'lib'],
    watch_ignore: ['node_modules', 'logs'],
    logs: { out_file: 'logs/api-out.log', err_file: 'logs/api-err.log', merge: true, timestamps: true },
  });
  assert.match(apps[0]!.notes.get('logs.timestamps')!, /YYYY-MM-DD HH:mm Z.*ISO-8601/);
  assert.match(apps[0]!.notes.get('stop.signal')!, /PM2 stops apps with SIGINT/);
});

test('node_args go into a command line, and an app without a name is named after its script', () => {
  const worker = translateFixture('simple.config.js').apps[1]!;
  assert.equal(worker.entry.name, 'worker');
  assert.equal(worker.entry.command, "node --max-old-space-size=512 worker.js --queue 'jobs high'");
  assert.equal(worker.entry.script, undefined);
  assert.equal(worker.entry.cron_restart, '0 4 * * *');
  assert.deepEqual(worker.entry.recovery, { stop_exit_codes: [0] });
});

test("cluster mode: 'max' and -1 resolved with a comment, and listen: for a PORT in env", () => {
  const [web, jobs] = translateFixture('cluster.config.js').apps;
  assert.equal(web!.entry.instances, 8);
  assert.match(web!.notes.get('instances')!, /instances: "max", which PM2 resolves to 8 .*\n.*cluster mode/);
  assert.equal(web!.entry.listen, 3000);
  assert.match(web!.notes.get('listen')!, /shared PORT 3000/);
  assert.equal(web!.entry.wait_ready, true);
  assert.match(web!.notes.get('wait_ready')!, /PM_READY_FD/);
  assert.equal(web!.entry.listen_timeout, '10s');
  assert.equal(jobs!.entry.instances, 7);
  assert.equal(jobs!.entry.listen, undefined, 'no PORT, no listen:');
  assert.match(jobs!.notes.get('instances')!, /add listen: <port>/);
  assert.deepEqual(jobs!.entry.recovery, { restart_delay: '100ms', backoff: '15s' });
});

test('env and every env_<name> are kept as profiles', () => {
  const [api] = translateFixture('environments.config.js').apps;
  assert.deepEqual(api!.entry.env, { NODE_ENV: 'development', PORT: 3000, DEBUG: true });
  assert.deepEqual(api!.entry.env_production, { NODE_ENV: 'production', PORT: 80 });
  assert.deepEqual(api!.entry.env_staging, { NODE_ENV: 'staging', API_URL: 'https://staging.example.com' });
});

test('every option with no equivalent is a warning that says what to do, and the rest is kept', () => {
  const { apps, warnings } = translateFixture('unsupported.config.js');
  const keys = warnings.map((line) => line.split(': ').slice(0, 2).join(': '));
  assert.deepEqual(keys.sort(), [
    'deploy: no equivalent in pm, left out',
    'legacy: automation',
    'legacy: deep_monitoring',
    'legacy: force',
    'legacy: instance_var',
    'legacy: log_file',
    'legacy: made_up_option',
    'legacy: namespace',
    'legacy: pmx',
    'legacy: post_update',
    'legacy: shutdown_with_message',
    'legacy: source_map_support',
    'legacy: treekill',
    'legacy: vizion',
  ]);
  assert.match(warnings.find((line) => line.includes('instance_var'))!, /PM_INSTANCE/);
  assert.match(warnings.find((line) => line.includes('made_up_option'))!, /not a PM2 option/);
  assert.equal(apps[0]!.entry.instances, 4);
});

test('aliases, a program on the PATH, uid/gid, sizes and names pm would refuse', () => {
  const { apps, warnings } = translateApps([
    { name: 'my app', exec: 'npm', args: 'run start', user: 'www-data', gid: 33, out: 'o.log' },
    {
      name: 'my app',
      script: 'server.js',
      max_memory_restart: 1073741824,
      combine_logs: true,
      cron: '0 3 * * *',
    },
    { name: 'small', script: 'server.js', max_memory_restart: '100K', instances: 'lots' },
  ]);
  assert.equal(apps[0]!.entry.name, 'my-app');
  assert.equal(apps[0]!.entry.command, 'npm run start');
  assert.equal(apps[0]!.entry.user, 'www-data');
  assert.equal(apps[0]!.entry.group, 33);
  assert.deepEqual(apps[0]!.entry.logs, { out_file: 'o.log' });
  assert.equal(apps[1]!.entry.name, 'my-app-2');
  assert.deepEqual(apps[1]!.entry.limits, { max_memory: '1G' });
  assert.deepEqual(apps[1]!.entry.logs, { merge: true });
  assert.equal(apps[1]!.entry.cron_restart, '0 3 * * *');
  assert.equal(apps[2]!.entry.limits, undefined);
  assert.equal(apps[2]!.entry.instances, undefined);
  assert.ok(warnings.some((line) => /^small: max_memory_restart: 100K is below 1M/.test(line)));
  assert.ok(warnings.some((line) => /^small: instances: found "lots"/.test(line)));
  assert.ok(warnings.some((line) => /^my-app: name: "my app" .* renamed "my-app"/.test(line)));
});

test('paths are written relative to the pm file, from where PM2 resolved them', () => {
  const [app] = translateApps([{ name: 'a', script: 'server.js', cwd: 'pm2', out_file: 'logs/a.log' }], {
    sourceDir: FIXTURES,
    outputDir: path.join(FIXTURES, 'configs'),
  }).apps;
  assert.equal(app!.entry.cwd, path.join(FIXTURES, 'pm2'), 'outside the pm file directory: absolute');
  assert.deepEqual(app!.entry.logs, { out_file: path.join(FIXTURES, 'pm2/logs/a.log') });
  const [inside] = translateApps([{ name: 'b', script: 'server.js', cwd: 'pm2' }], {
    sourceDir: FIXTURES,
    outputDir: FIXTURES,
  }).apps;
  assert.equal(inside!.entry.cwd, 'pm2');
});
