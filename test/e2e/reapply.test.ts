// `pm start cfg.yaml` applied again says per app what it did and why, and a config does not take
// over an app of the same name started from the command line unless told to (--force).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { listApps } from '../helpers/daemon.js';
import { pm, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';

const t = setupTempHome();

function config(webEnv: string, workers: number): string {
  const file = path.join(t.home, 'pm.yaml');
  fs.writeFileSync(
    file,
    `apps:
  - name: web
    command: sleep 100000
    env: { MODE: "${webEnv}" }
  - name: worker
    command: sleep 100001
    instances: ${workers}
`,
  );
  return file;
}

const changesOf = (stdout: string) => stdout.split('\n').filter((line) => /^\w+: /.test(line));

test('applying a config again says per app: created, unchanged, restarted and why, scaled, started', async () => {
  const first = await pm(['start', config('a', 1)], t.env);
  assert.deepEqual(changesOf(first.stdout), ['web: created', 'worker: created']);
  const same = await pm(['start', config('a', 1)], t.env);
  assert.deepEqual(changesOf(same.stdout), ['web: unchanged', 'worker: unchanged']);
  const changed = await pm(['start', config('b', 2)], t.env);
  assert.deepEqual(changesOf(changed.stdout), ['web: restarted (env changed)', 'worker: scaled 1 → 2']);
  await pm(['stop', 'web'], t.env);
  const again = await pm(['start', config('b', 2)], t.env);
  assert.deepEqual(changesOf(again.stdout), ['web: started (1 of 1 were down)', 'worker: unchanged']);
});

test('a config does not replace an app of the same name started from the command line, unless --force', async () => {
  await pm(['start', 'sleep', '--name', 'web', '--', '100000'], t.env);
  const [before] = await listApps(t.env);
  const refused = await runCli(['start', config('a', 1)], t.env);
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    /^pm: "web" runs as defined by the command line; \/.*pm\.yaml defines it too: add --force to replace it, or rename one of them\n$/,
  );
  assert.deepEqual(
    (await listApps(t.env)).map((p) => [p.name, p.pid]),
    [['web', before!.pid]],
    'nothing changed',
  );
  const forced = await pm(['start', config('a', 1), '--force'], t.env);
  assert.match(forced.stdout, /^web: restarted \(cwd, env, .*the config file changed\)$/m);
});
