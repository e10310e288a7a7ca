// `pm top` in a real terminal: tmux runs it at 80x24 against a real daemon; the test presses keys
// with send-keys and reads the screen with capture-pane, as a user would.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { test } from 'node:test';
import { listApps } from '../helpers/daemon.js';
import { fixtureApp, PM_BIN, pm } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const TMUX_MISSING = spawnSync('tmux', ['-V']).error ? 'tmux is not installed (apt-get install tmux)' : null;
// Our own tmux server: the test never touches the user's sessions.
const SOCKET = `pm-top-test-${process.pid}`;
const SESSION = 'top';

function tmux(...args: string[]): string {
  const result = spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

const screen = () => tmux('capture-pane', '-p', '-t', SESSION);
const history = () => tmux('capture-pane', '-p', '-S', '-200', '-t', SESSION);
const press = (...keys: string[]) => tmux('send-keys', '-t', SESSION, ...keys);

/** Waits until the screen satisfies the check; fails with the screen as it last was. */
async function waitForScreen(check: (text: string) => boolean, message: string): Promise<string> {
  let last = '';
  try {
    return await waitFor(
      () => {
        last = screen();
        return check(last) ? last : null;
      },
      { timeoutMs: 15_000, intervalMs: 50, message },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- screen ---\n${last}\n--- history ---\n${history()}`);
  }
}

/** `pm top` in an 80x24 tmux pane that stays after it exits, followed by its exit status. */
function openTop(): void {
  const env = Object.entries({ PM_HOME: t.home, PM_METRICS_INTERVAL: '250ms', TERM: 'xterm-256color' })
    .map(([key, value]) => `${key}='${value}'`)
    .join(' ');
  const command = `env ${env} ${process.execPath} ${PM_BIN} top; echo "pm top exited with status $?"`;
  // One tmux call: the pane is kept even if pm top exits at once.
  tmux(
    'new-session',
    '-d',
    '-x',
    '80',
    '-y',
    '24',
    '-s',
    SESSION,
    command,
    ';',
    'set-option',
    '-t',
    SESSION,
    'remain-on-exit',
    'on',
  );
}

const selected = (text: string) => text.split('\n').find((line) => line.startsWith('›')) ?? '';

const t = setupTempHome({
  setup: ({ env }) => {
    env.PM_METRICS_INTERVAL = '250ms';
  },
  teardown: () => {
    if (!TMUX_MISSING) spawnSync('tmux', ['-L', SOCKET, 'kill-session', '-t', SESSION]);
  },
});

test('pm top in an 80x24 terminal: rows, keys that act on the selection, panes, filter, resize and quit', {
  skip: TMUX_MISSING ?? false,
}, async () => {
  await pm(['start', fixtureApp('forever.js'), '--name', 'web', '-i', '2'], t.env);
  await pm(['start', 'sleep 3600', '--name', 'sleeper'], t.env);
  openTop();

  // The first sample may come while the run still waits to join its cgroup (nothing charged to
  // it yet: 0 B); the frame looked at is one with memory.
  let text = await waitForScreen(
    (s) => /web:1/.test(s) && /sleeper:0 .* [\d.]+ [KM]B /.test(s) && /▁/.test(s),
    'the first frame with sparklines and memory',
  );
  const lines = text.split('\n');
  assert.match(lines[0]!, /^pm top 3 instances: 3 online · cpu \S+% · mem /);
  assert.match(lines[1]!, /^daemon pid \d+ · cpu \S+% · mem [\d.]+ MB · up \d+s/);
  assert.match(lines[2]!, /^ {2}name +state +health +pid +cpu +mem +up +↺$/);
  assert.match(
    selected(text),
    /^› sleeper:0 +online +unknown +\d+ +\S+% [▁-█ ]{6} +[\d.]+ [KM]B [▁-█ ]{6} +\d+s +0$/,
  );
  assert.match(text, /↑↓ move r restart s stop p pause \+\/- scale l logs e events \/ filter q quit/);
  for (const line of lines) assert.ok([...line].length <= 80);

  // Select web:1 and restart it.
  press('j', 'j');
  await waitForScreen((s) => selected(s).includes('web:1'), 'web:1 selected');
  const before = (await listApps(t.env)).find((p) => p.name === 'web' && p.index === 1)!;
  press('r');
  text = await waitForScreen((s) => /restart web:1 → online \(pid \d+\)/.test(s), 'the restart result');
  const after = (await listApps(t.env)).find((p) => p.name === 'web' && p.index === 1)!;
  assert.notEqual(after.pid, before.pid);
  assert.match(text, new RegExp(`restart web:1 → online \\(pid ${after.pid}\\)`));

  // Stop it, then start it again; pause and resume web:0.
  press('s');
  await waitForScreen(
    (s) => /stop web:1 → stopped/.test(s) && /web:1 +stopped/.test(s) && /s start/.test(s),
    'web:1 stopped',
  );
  press('s');
  await waitForScreen((s) => /start web:1 → online/.test(s), 'web:1 started');
  press('k', 'p');
  await waitForScreen((s) => /pause web:0 → paused/.test(s) && /web:0 +paused/.test(s), 'web:0 paused');
  press('p');
  await waitForScreen((s) => /resume web:0 → online/.test(s), 'web:0 resumed');

  // Scale up and down.
  press('+');
  await waitForScreen(
    (s) => /scale web \+1 → 3 instances/.test(s) && /web:2 +online/.test(s),
    'web scaled to 3',
  );
  press('-');
  await waitForScreen(
    (s) => /scale web -1 → 2 instances/.test(s) && !/web:2/.test(s),
    'web scaled back to 2',
  );

  // The log pane follows web:0's output live; the events pane lists what just happened.
  press('l');
  text = await waitForScreen(
    (s) => /logs web:0/.test(s) && (s.match(/^alive \d+$/gm)?.length ?? 0) >= 2,
    'the log pane',
  );
  press('l');
  await waitForScreen((s) => !/logs web:0/.test(s), 'the log pane closed');
  press('e');
  await waitForScreen((s) => /recent events/.test(s) && /web:2 deleted/.test(s), 'the events pane');
  press('Escape');
  await waitForScreen((s) => !/recent events/.test(s), 'the events pane closed');

  // Filter by name, then clear the filter.
  press('/', 's', 'l', 'e', 'e', 'p', 'Enter');
  await waitForScreen(
    (s) => /filter "sleep"/.test(s) && /sleeper:0/.test(s) && !/web:0/.test(s),
    'the filtered table',
  );
  press('Escape');
  await waitForScreen((s) => /web:0/.test(s) && /sleeper:0/.test(s), 'the filter cleared');

  // A bigger terminal: wider sparklines, the same rows.
  tmux('resize-window', '-t', SESSION, '-x', '120', '-y', '30');
  text = await waitForScreen((s) => /^› \S+ .* [▁-█ ]{12,} /m.test(s), 'wider sparklines after the resize');
  for (const line of text.split('\n')) assert.ok([...line].length <= 120);

  press('q');
  // The shell's echo may have scrolled off the visible screen: look in the history too.
  await waitForScreen(
    () => /^pm top exited with status 0$/m.test(history()),
    'pm top to exit with status 0 on q',
  );
});

test('pm top killed with SIGTERM gives the shell its screen back', {
  skip: TMUX_MISSING ?? false,
}, async () => {
  await pm(['start', 'sleep 3600', '--name', 'sleeper'], t.env);
  openTop();
  await waitForScreen((s) => /sleeper:0/.test(s), 'the table');
  const shell = Number(tmux('list-panes', '-t', SESSION, '-F', '#{pane_pid}').trim());
  const top = await waitFor(() => childRunning(shell, PM_BIN), { message: 'the pm top process' });
  process.kill(top, 'SIGTERM');
  const text = await waitForScreen(
    () => /^pm top exited with status \d+$/m.test(history()),
    'pm top to exit on SIGTERM',
  );
  assert.ok(!/sleeper:0/.test(text), `the view is still on the screen:\n${text}`);
});

/** The pid of a child of `parent` whose command line mentions `word`, or null. */
function childRunning(parent: number, word: string): number | null {
  for (const name of fs.readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(word)) return pid;
    } catch {
      // gone
    }
  }
  return null;
}
