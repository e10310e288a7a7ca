// `pm export systemd` run as a black box on the examples: the units it writes (to -o or stdout), the
// report on stderr, --user, and --strict. No daemon is needed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { parseUnit } from '../unit/cli/commands/parse-unit.js';
import { noSystemdAnalyze, verifyUnits } from '../unit/export/systemd/verify-units.js';

const t = setupTempHome();

const EXAMPLE = path.join(ROOT, 'examples/pm.yaml');
const WORKFLOW = path.join(ROOT, 'examples/workflow/pm.yaml');

/** Exports into a fresh directory; its files by name. */
async function exportTo(config: string, ...flags: string[]): Promise<Record<string, string>> {
  const dir = fs.mkdtempSync(path.join(t.home, 'units-'));
  const result = await runCli(['export', 'systemd', config, '-o', dir, ...flags], t.env);
  assert.equal(result.code, 0, result.stderr);
  const names = fs.readdirSync(dir).sort();
  assert.equal(result.stdout, `wrote ${names.length} files to ${dir}\n`);
  return Object.fromEntries(names.map((name) => [name, fs.readFileSync(path.join(dir, name), 'utf8')]));
}

test('examples/pm.yaml: a service, a template for the pool, a unit for the task, what is lost on stderr', async () => {
  const files = await exportTo(EXAMPLE);
  assert.deepEqual(Object.keys(files), ['migrate.service', 'web.service', 'worker@.service']);
  const web = parseUnit(files['web.service']!);
  assert.match(web.Service?.ExecStart?.[0] ?? '', /^\/\S+ \S+\/examples\/hello-server\.js$/);
  assert.deepEqual(web.Service?.WorkingDirectory, [path.join(ROOT, 'examples')]);
  assert.ok(web.Service?.Environment?.includes('PORT=3100'));
  assert.deepEqual(parseUnit(files['migrate.service']!).Service?.Restart, ['no']);
  assert.match(files['worker@.service']!, /PM_INSTANCE=%i/);
  const stderr = (await runCli(['export', 'systemd', EXAMPLE], t.env)).stderr;
  assert.match(stderr, /^pm: not mapped: web: health: liveness: /m);
  assert.match(stderr, /^pm: not mapped: worker: pool: /m);
});

test('-e production: the profile env is in the unit', async () => {
  const files = await exportTo(EXAMPLE, '-e', 'production');
  assert.ok(parseUnit(files['web.service']!).Service?.Environment?.includes('NODE_ENV=production'));
});

test('examples/workflow/pm.yaml: the dependencies as After=/Requires=, the task as a oneshot', async () => {
  const files = await exportTo(WORKFLOW);
  assert.deepEqual(Object.keys(files), ['db.service', 'migrate.service', 'web.service']);
  const migrate = parseUnit(files['migrate.service']!);
  assert.deepEqual(migrate.Service?.Type, ['oneshot']);
  assert.deepEqual(migrate.Unit?.Requires, ['db.service']);
  assert.deepEqual(parseUnit(files['web.service']!).Unit?.After, ['migrate.service']);
});

test('without -o the units go to stdout, each after a comment with its name', async () => {
  const result = await runCli(['export', 'systemd', WORKFLOW], t.env);
  assert.equal(result.code, 0, result.stderr);
  const names = [...result.stdout.matchAll(/^# (\S+\.service)$/gm)].map((match) => match[1]);
  assert.deepEqual(names, ['db.service', 'migrate.service', 'web.service']);
});

test('--user: WantedBy=default.target', async () => {
  const files = await exportTo(WORKFLOW, '--user');
  for (const content of Object.values(files))
    assert.deepEqual(parseUnit(content).Install?.WantedBy, ['default.target']);
});

test('--strict exits 1 when something was not mapped, 0 when everything was', async () => {
  const strict = await runCli(['export', 'systemd', EXAMPLE, '--strict'], t.env);
  assert.equal(strict.code, 1, strict.stderr);
  assert.match(strict.stderr, /keys could not be mapped \(--strict\)/);
  const config = path.join(t.home, 'exact.yaml');
  fs.writeFileSync(config, 'apps:\n  - name: nap\n    command: sleep 100\n    cron_restart: "*/5 * * * *"\n');
  const exact = await runCli(['export', 'systemd', config, '--strict'], t.env);
  assert.equal(exact.code, 0, exact.stderr);
  assert.match(exact.stdout, /^ExecStart=\/\S*\/sleep 100$/m, 'the bare name found on PATH');
  assert.match(exact.stdout, /^OnCalendar=\*-\*-\* \*:00\/5:00$/m);
});

test('systemd-analyze verify accepts what the examples export', { skip: noSystemdAnalyze }, async () => {
  for (const config of [EXAMPLE, WORKFLOW]) {
    for (const flags of [[], ['--user']]) {
      const files = Object.entries(await exportTo(config, ...flags)).map(([name, content]) => ({
        name,
        content,
      }));
      assert.deepEqual(verifyUnits(files), [], `${config} ${flags.join(' ')}`);
    }
  }
});
