import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderTable } from '../../../../src/cli/output/table.js';
import { PROCESS_STATUSES } from '../../../../src/protocol/process-info.js';
import { NOW, processInfo } from './process-info-fixture.js';

const ANSI = /\u001b\[/;

test('the table shows one row per instance, with volatile values formatted', () => {
  const rows = [
    processInfo(),
    processInfo({
      id: 1,
      index: 1,
      pid: null,
      status: 'errored',
      reason: 'crash-loop: exited with code 1',
      health: 'unknown',
      restarts: 15,
      startedAt: null,
      cpuPercent: null,
      memoryBytes: null,
    }),
  ];
  assert.equal(
    renderTable(rows, { color: false, now: NOW }),
    [
      '┌────┬───────┬──────┬─────────┬─────────┬────────┬────┬──────┬─────────┐',
      '│ id │ name  │ pid  │ state   │ health  │ uptime │ ↺  │ cpu  │ mem     │',
      '├────┼───────┼──────┼─────────┼─────────┼────────┼────┼──────┼─────────┤',
      '│ 0  │ web:0 │ 4242 │ online  │ healthy │ 1h     │ 2  │ 1.5% │ 50.0 MB │',
      '├────┼───────┼──────┼─────────┼─────────┼────────┼────┼──────┼─────────┤',
      '│ 1  │ web:1 │ -    │ errored │ unknown │ -      │ 15 │ -    │ -       │',
      '└────┴───────┴──────┴─────────┴─────────┴────────┴────┴──────┴─────────┘',
    ].join('\n'),
  );
});

test('every status renders without ANSI escapes when color is off', () => {
  const statuses = PROCESS_STATUSES;
  const text = renderTable(
    statuses.map((status, id) => processInfo({ id, status, health: id % 2 ? 'unhealthy' : 'unknown' })),
    { color: false, now: NOW },
  );
  assert.doesNotMatch(text, ANSI);
  for (const status of statuses) assert.match(text, new RegExp(`│ ${status} `));
});

test('with color on, the state is coloured', () => {
  const text = renderTable([processInfo()], { color: true, now: NOW });
  assert.match(text, /\u001b\[32monline\u001b\[39m/);
});

test('an empty list says how to start a process', () => {
  assert.equal(
    renderTable([], { color: false, now: NOW }),
    'no processes: start one with `pm start <script|command>`',
  );
});

test('an app with no instance has a row of its own that says so', () => {
  const text = renderTable([], { color: false, now: NOW, emptyApps: ['idle'] });
  const row = text.split('\n').find((line) => line.includes('idle'));
  assert.match(row ?? '', /│ - +│ idle +│ - +│ stopped \(0 instances\) +│ - +│/);
  assert.doesNotMatch(text, /no processes/);
});

test("a pooled app's first row shows its count within its bounds", () => {
  const pools = new Map([['web', { minSize: 1, maxSize: 8 }]]);
  const rows = [processInfo({ name: 'web' }), processInfo({ id: 1, name: 'web', index: 1 })];
  const text = renderTable(rows, { color: false, now: NOW, pools, emptyApps: [] });
  assert.match(text, /web:0 \(2 of 1–8\)/);
  assert.doesNotMatch(text, /web:1 \(/);
});
