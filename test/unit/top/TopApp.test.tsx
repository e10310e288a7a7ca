import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { ProcessInfo } from '../../../src/protocol/process-info.js';
import { DAEMON, FakeFeed, info, outputLine, snapshot } from './fake-feed.js';
import { KEY, type RenderedTop, renderTop } from './render-top.js';

let top: RenderedTop | null = null;
afterEach(() => {
  top?.unmount();
  top = null;
});

const three = (): ProcessInfo[] => [
  info('web', 0, 0),
  info('web', 1, 1, { health: 'healthy', restarts: 3 }),
  info('worker', 0, 2, {
    status: 'errored',
    pid: null,
    startedAt: null,
    cpuPercent: null,
    memoryBytes: null,
    reason: 'crash-loop: 16 restarts in 60s',
  }),
];

const selectedLine = (frame: string) => frame.split('\n').find((line) => line.startsWith('›')) ?? '';

test('at 80x24 the frame shows a header, one row per instance with every column, and the keys, within the screen', async () => {
  const feed = new FakeFeed(snapshot(three()));
  top = renderTop(feed);
  const frame = await top.waitForFrame((f) => f.includes('worker:0'));
  const lines = frame.split('\n');
  assert.ok(lines.length <= 23, `frame has ${lines.length} lines, more than 24 - 1`);
  for (const line of lines) assert.ok([...line].length <= 80, `line wider than 80: "${line}"`);
  assert.match(lines[0]!, /3 instances: 2 online, 1 errored · cpu 3\.0% · mem 40\.0 MB/);
  assert.match(lines[1]!, /daemon pid 4242 · cpu 0\.4% · mem 60\.0 MB · up 1m/);
  assert.match(frame, /name\s+state\s+health\s+pid\s+cpu\s+mem\s+up\s+↺/);
  assert.match(frame, /› web:0\s+online\s+unknown\s+1000\s+1\.5%\s+20\.0 MB\s+1m\s+0/);
  assert.match(frame, /web:1\s+online\s+healthy\s+1001\s+1\.5%\s+20\.0 MB\s+1m\s+3/);
  assert.match(frame, /worker:0\s+errored\s+unknown\s+-\s+-\s+-\s+-\s+0/);
  assert.match(
    lines.at(-1)!,
    /↑↓ move r restart s stop p pause \+\/- scale l logs e events \/ filter q quit/,
  );
});

test('j, k and the arrow keys move the selection, and several keys in one chunk move several rows', async () => {
  top = renderTop(new FakeFeed(snapshot(three())));
  await top.waitForFrame((f) => selectedLine(f).includes('web:0'));
  top.press('j');
  await top.waitForFrame((f) => selectedLine(f).includes('web:1'), 'j to select web:1');
  top.press(KEY.down);
  await top.waitForFrame((f) => selectedLine(f).includes('worker:0'), 'down to select worker:0');
  top.press(KEY.down);
  await top.waitForFrame((f) => selectedLine(f).includes('worker:0'), 'down at the end to stay');
  top.press('k');
  await top.waitForFrame((f) => selectedLine(f).includes('web:1'), 'k to select web:1');
  top.press(KEY.up);
  await top.waitForFrame((f) => selectedLine(f).includes('web:0'), 'up to select web:0');
  top.press('jj');
  await top.waitForFrame((f) => selectedLine(f).includes('worker:0'), '"jj" to move two rows');
});

test('r restarts the selected instance and the status line shows the outcome', async () => {
  const feed = new FakeFeed(snapshot(three()));
  feed.reply = () => [info('web', 1, 1, { pid: 5555 })];
  top = renderTop(feed);
  await top.waitForFrame((f) => f.includes('web:1'));
  top.press('j');
  await top.waitForFrame((f) => selectedLine(f).includes('web:1'));
  top.press('r');
  await top.waitForFrame((f) => f.includes('restart web:1 → online (pid 5555)'));
  assert.deepEqual(feed.requests, [{ type: 'restart', target: { kind: 'id', id: 1 } }]);
});

test('a failed action shows its error in the status line', async () => {
  const feed = new FakeFeed(snapshot(three()));
  feed.reply = () => new Error('no process matches "7": see `pm list`');
  top = renderTop(feed);
  await top.waitForFrame((f) => f.includes('web:0'));
  top.press('r');
  await top.waitForFrame((f) => f.includes('restart web:0 failed: no process matches "7"'));
});

test('s stops a running instance and starts a stopped one; p pauses, resumes, and refuses on an errored one', async () => {
  const feed = new FakeFeed(
    snapshot([
      info('web', 0, 0),
      info('job', 0, 1, { status: 'stopped', pid: null }),
      info('bad', 0, 2, { status: 'errored', pid: null }),
    ]),
  );
  feed.reply = (request) => [info('x', 0, 9, { status: request.type === 'stop' ? 'stopped' : 'online' })];
  top = renderTop(feed);
  // Sorted by name: bad:0, job:0, web:0.
  await top.waitForFrame((f) => selectedLine(f).includes('bad:0'));
  top.press('p');
  await top.waitForFrame((f) => f.includes('bad:0 is errored: only a running instance can be paused'));
  assert.equal(feed.requests.length, 0);
  top.press('j');
  await top.waitForFrame((f) => selectedLine(f).includes('job:0') && f.includes('s start'));
  top.press('s');
  await top.waitForFrame((f) => f.includes('start job:0'));
  top.press('j');
  await top.waitForFrame((f) => selectedLine(f).includes('web:0') && f.includes('s stop'));
  top.press('s');
  await top.waitForFrame((f) => f.includes('stop web:0'));
  top.press('p');
  await top.waitForFrame(() => feed.requests.length === 3);
  feed.emit({ type: 'changes', processes: [info('web', 0, 0, { status: 'paused' })], removedIds: [] });
  await top.waitForFrame((f) => f.includes('p resume') && /web:0\s+paused/.test(f));
  top.press('p');
  await top.waitForFrame(() => feed.requests.length === 4);
  assert.deepEqual(
    feed.requests.map((r) => r.type),
    ['start', 'stop', 'pause', 'resume'],
  );
});

test("+ and - scale the selected instance's app by one", async () => {
  const feed = new FakeFeed(snapshot(three()));
  feed.reply = (request) =>
    request.type === 'scale' && (request.change?.count ?? 0) > 0
      ? [info('web', 0, 0), info('web', 1, 1), info('web', 2, 5)]
      : [info('web', 0, 0)];
  top = renderTop(feed);
  await top.waitForFrame((f) => f.includes('web:0'));
  top.press('+');
  await top.waitForFrame((f) => f.includes('scale web +1 → 3 instances'));
  top.press('-');
  await top.waitForFrame((f) => f.includes('scale web -1 → 1 instances'));
  assert.deepEqual(feed.requests, [
    { type: 'scale', name: 'web', change: { mode: 'add', count: 1 } },
    { type: 'scale', name: 'web', change: { mode: 'add', count: -1 } },
  ]);
});

test("l shows the selected instance's log tail in a pane, live, with stderr lines too; l closes it", async () => {
  const feed = new FakeFeed(snapshot(three()));
  feed.logLines = [
    outputLine('out', 'listening on 3000'),
    outputLine('err', 'warning: \x1b[31mdeprecated\x1b[0m'),
  ];
  top = renderTop(feed);
  await top.waitForFrame((f) => f.includes('web:1'));
  top.press('jl');
  await top.waitForFrame(
    (f) => f.includes('logs web:1') && f.includes('listening on 3000') && f.includes('warning: deprecated'),
  );
  assert.deepEqual(feed.followedLogs, [1]);
  feed.appendLog([outputLine('out', 'GET /health 200')]);
  const frame = await top.waitForFrame((f) => f.includes('GET /health 200'));
  assert.ok(frame.split('\n').length <= 23);
  top.press('l');
  await top.waitForFrame((f) => !f.includes('logs web:1'));
});

test('e shows recent events with new ones appended; esc closes the pane', async () => {
  const feed = new FakeFeed(snapshot(three()));
  feed.events = [
    {
      ts: 1_000_000,
      type: 'errored',
      severity: 'alert',
      app: 'worker',
      index: 0,
      message: 'errored: crash-loop',
    },
  ];
  top = renderTop(feed);
  await top.waitForFrame((f) => f.includes('web:0'));
  top.press('e');
  await top.waitForFrame(
    (f) => f.includes('recent events') && /worker:0 errored: errored: crash-loop/.test(f),
  );
  feed.appendEvents([
    { ts: 1_001_000, type: 'started', severity: 'info', app: 'web', index: 0, message: 'started (pid 7)' },
  ]);
  await top.waitForFrame((f) => f.includes('web:0 started: started (pid 7)'));
  top.press(KEY.escape);
  await top.waitForFrame((f) => !f.includes('recent events'));
});

test('/ filters the rows by name as it is typed; enter keeps the filter and esc clears it', async () => {
  top = renderTop(new FakeFeed(snapshot(three())));
  await top.waitForFrame((f) => f.includes('worker:0'));
  top.press('/');
  await top.waitForFrame((f) => f.includes('filter:'));
  top.press('work');
  await top.waitForFrame((f) => f.includes('worker:0') && !f.includes('web:0'));
  top.press(KEY.enter);
  await top.waitForFrame((f) => f.includes('filter "work"') && !f.includes('filter:'));
  top.press('/');
  top.press('zzz');
  await top.waitForFrame((f) => f.includes('no instance matches "workzzz"'));
  top.press(KEY.escape);
  await top.waitForFrame((f) => f.includes('web:0') && f.includes('worker:0'));
});

test('with 200 instances the table scrolls to keep the selection in view, and the frame stays within 80x24', async () => {
  const many = Array.from({ length: 200 }, (_, i) => info('app', i, i));
  top = renderTop(new FakeFeed(snapshot(many)));
  await top.waitForFrame((f) => f.includes('rows 1-18 of 200'));
  top.press('G');
  let frame = await top.waitForFrame((f) => selectedLine(f).includes('app:199'));
  assert.match(frame, /rows 183-200 of 200/);
  assert.doesNotMatch(frame, /app:0\s/);
  top.press('k'.repeat(20));
  frame = await top.waitForFrame((f) => selectedLine(f).includes('app:179'));
  assert.match(frame, /rows 180-197 of 200|rows 179-196 of 200/);
  assert.ok(frame.split('\n').length <= 23);
});

test('with 200 instances, 50 key presses and 20 samples are handled promptly', async () => {
  const many = Array.from({ length: 200 }, (_, i) => info('app', i, i));
  const feed = new FakeFeed(snapshot(many));
  top = renderTop(feed);
  await top.waitForFrame((f) => f.includes('app:0'));
  const started = performance.now();
  for (let tick = 0; tick < 20; tick++) {
    feed.emit({
      type: 'sample',
      at: 1_000_000 + tick * 1000,
      usage: many.map((p) => ({ id: p.id, cpuPercent: tick, memoryBytes: 1024 * 1024 * (10 + tick) })),
      daemon: { pid: 4242, startedAt: 1_000_000, cpuPercent: 0.5, memoryBytes: 1 },
    });
  }
  for (let i = 0; i < 50; i++) top.press('j');
  await top.waitForFrame((f) => selectedLine(f).includes('app:50') && f.includes('19%'));
  const elapsedMs = performance.now() - started;
  assert.ok(elapsedMs < 2000, `took ${Math.round(elapsedMs)} ms`);
});

test('the layout follows resizes: wider sparklines and more rows, and no sparklines when narrow', async () => {
  const many = Array.from({ length: 40 }, (_, i) => info('app', i, i));
  const feed = new FakeFeed({
    type: 'snapshot',
    processes: many,
    daemon: DAEMON,
    trails: { 0: { cpuPercent: [0, 50, 100], memoryBytes: [1, 2, 3] } },
    metricsIntervalMs: 1000,
  });
  top = renderTop(feed);
  await top.waitForFrame((f) => f.includes('rows 1-18 of 40'));
  assert.match(selectedLine(top.frame()), / ▁▅█ /);
  top.resize(120, 40);
  const wide = await top.waitForFrame((f) => f.includes('rows 1-34 of 40'));
  for (const line of wide.split('\n')) assert.ok([...line].length <= 120);
  assert.match(selectedLine(wide), /\s{10,}▁▅█ /);
  top.resize(70, 15);
  const narrow = await top.waitForFrame((f) => f.includes('rows 1-9 of 40'));
  assert.doesNotMatch(narrow, /[▁▅█]/);
  assert.match(narrow, /› app:0\s+online\s+unknown\s+1000\s+1\.5%\s+20\.0 MB\s+1m\s+0/);
  for (const line of narrow.split('\n')) assert.ok([...line].length <= 70, `line wider than 70: "${line}"`);
});

test('changes add and remove rows, samples update the figures, and a lost daemon shows in the status line', async () => {
  const feed = new FakeFeed(snapshot(three()));
  top = renderTop(feed);
  await top.waitForFrame((f) => f.includes('worker:0'));
  feed.emit({ type: 'changes', processes: [info('api', 0, 7, { status: 'starting' })], removedIds: [2] });
  await top.waitForFrame((f) => /api:0\s+starting/.test(f) && !f.includes('worker:0'));
  feed.emit({
    type: 'sample',
    at: 1_001_000,
    usage: [{ id: 0, cpuPercent: 42, memoryBytes: 300 * 1024 * 1024 }],
    daemon: { pid: 4242, startedAt: 1_000_000, cpuPercent: 0.4, memoryBytes: 1 },
  });
  await top.waitForFrame((f) => /web:0\s+online\s+unknown\s+1000\s+42%.*300 MB/.test(f));
  feed.fail(new Error('the daemon closed the connection'));
  await top.waitForFrame((f) => f.includes('lost the daemon: the daemon closed the connection'));
});

test('q quits: the app unmounts and stops watching the feed', async () => {
  const feed = new FakeFeed(snapshot(three()));
  top = renderTop(feed);
  await top.waitForFrame((f) => f.includes('web:0'));
  assert.equal(feed.isWatched, true);
  top.press('q');
  await top.waitForFrame(() => !feed.isWatched, 'the feed to be released');
});
