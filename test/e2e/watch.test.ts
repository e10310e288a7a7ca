// Restart on file change: a change of a watched file restarts the app once per quiet window, the
// event names the file, and ignored trees (node_modules) change nothing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { listApps } from '../helpers/daemon.js';
import { readEvents } from '../helpers/recovery.js';
import { pm, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const t = setupTempHome();

test('a burst of changes to watched files restarts the app once, and the event names the file', async () => {
  const project = path.join(t.home, 'project');
  fs.mkdirSync(path.join(project, 'src'), { recursive: true });
  fs.mkdirSync(path.join(project, 'node_modules/dep'), { recursive: true });
  fs.writeFileSync(path.join(project, 'src/a.js'), '1');
  const file = path.join(project, 'pm.yaml');
  fs.writeFileSync(
    file,
    `apps:
  - name: web
    command: sleep 100000
    watch: ["src/**/*.js"]
    watch_delay: 300ms
`,
  );
  await pm(['start', file], t.env);
  const [before] = await listApps(t.env);
  assert.match(
    (await pm(['describe', 'web'], t.env)).stdout,
    /watch +src\/\*\*\/\*\.js \(not node_modules, \.git\), restart after 300ms quiet/,
  );
  await waitFor(() => readEvents(t.home).some((e) => e.type === 'watching'), { message: 'the watch set up' });
  fs.writeFileSync(path.join(project, 'node_modules/dep/index.js'), 'ignored');
  fs.writeFileSync(path.join(project, 'src/notes.txt'), 'not a .js file');
  fs.writeFileSync(path.join(project, 'src/a.js'), '2');
  const restarted = async (from: number) =>
    waitFor(async () => {
      const [p] = await listApps(t.env);
      return p?.pid !== from && p?.status === 'online' ? p : null;
    });
  const after = await restarted(before!.pid!);
  assert.equal(after.restarts, before!.restarts + 1);
  const changed = () => readEvents(t.home).filter((e) => e.type === 'file-changed');
  assert.deepEqual(
    changed().map((e) => [e.data?.file, e.data?.files, e.message]),
    [['src/a.js', 1, 'src/a.js changed: restarting']],
    'node_modules and a file outside the globs are not counted',
  );
  // A burst over two files within the quiet time: one restart for both.
  fs.writeFileSync(path.join(project, 'src/a.js'), '3');
  fs.mkdirSync(path.join(project, 'src/lib'));
  fs.writeFileSync(path.join(project, 'src/lib/b.js'), 'new');
  const third = await restarted(after.pid!);
  assert.equal(third.restarts, after.restarts + 1);
  await waitFor(() => changed().length === 2);
  assert.match(changed()[1]!.message, /^src\/(a|lib\/b)\.js changed and 1 more: restarting$/);
});

test('watch_ignore without watch is a config error; pm start --watch watches the working directory', async () => {
  const file = path.join(t.home, 'bad.yaml');
  fs.writeFileSync(file, 'apps:\n  - name: a\n    command: sleep 100\n    watch_ignore: ["*.log"]\n');
  const bad = await runCli(['start', file], t.env);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /bad\.yaml:4:\d+: apps\[0\]\.watch_ignore: watch_ignore: goes with watch:/);
  await pm(['start', 'sleep', '--name', 'w', '--watch', '--', '100000'], t.env);
  assert.match(
    (await pm(['describe', 'w'], t.env)).stdout,
    /watch +every file below cwd \(not node_modules, \.git\), restart after 500ms quiet/,
  );
});

test('a change under a watched app the user stopped does not start it', async () => {
  const project = path.join(t.home, 'resting');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'app.conf'), '1');
  const file = path.join(project, 'pm.yaml');
  fs.writeFileSync(
    file,
    'apps:\n  - name: resting\n    command: sleep 100000\n    watch: true\n    watch_delay: 100ms\n',
  );
  await pm(['start', file], t.env);
  await waitFor(() => readEvents(t.home).some((e) => e.type === 'watching'), { message: 'the watch set up' });
  await pm(['stop', 'resting'], t.env);
  fs.writeFileSync(path.join(project, 'app.conf'), '2');
  const changed = await waitFor(() => readEvents(t.home).find((e) => e.type === 'file-changed'));
  assert.equal(changed.message, 'app.conf changed: not restarted, the app is stopped');
  const [app] = await listApps(t.env);
  assert.equal(app!.status, 'stopped');
});

test("the app's own log file inside the watched tree is not a change", async () => {
  const project = path.join(t.home, 'chatty');
  fs.mkdirSync(path.join(project, 'logs'), { recursive: true });
  fs.writeFileSync(path.join(project, 'app.conf'), '1');
  const file = path.join(project, 'pm.yaml');
  fs.writeFileSync(
    file,
    `apps:
  - name: chatty
    command: sh -c 'while :; do echo tick; sleep 0.1; done'
    watch: true
    watch_delay: 200ms
    logs: { out_file: logs/chatty.out.log }
`,
  );
  await pm(['start', file], t.env);
  await waitFor(() => readEvents(t.home).some((e) => e.type === 'watching'), { message: 'the watch set up' });
  fs.writeFileSync(path.join(project, 'app.conf'), '2');
  const changed = await waitFor(() => readEvents(t.home).find((e) => e.type === 'file-changed'));
  assert.equal(changed.data?.file, 'app.conf');
  assert.equal(changed.data?.files, 1, 'the log file the app writes all the time is not counted');
});
