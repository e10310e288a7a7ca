// `pm ping` reports how late the daemon's event loop ran since it started, so a stall shows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pm } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';

const t = setupTempHome();

test('pm ping reports the event-loop delay since start: --json as numbers, the text in one line', async () => {
  const { eventLoopDelay } = JSON.parse((await pm(['ping', '--json'], t.env)).stdout);
  assert.deepEqual(Object.keys(eventLoopDelay), ['maxMs', 'p99Ms']);
  const { maxMs, p99Ms } = eventLoopDelay;
  assert.ok(Number.isFinite(maxMs) && p99Ms >= 0 && p99Ms <= maxMs, JSON.stringify(eventLoopDelay));

  const text = (await pm(['ping'], t.env)).stdout;
  assert.match(text, /^event loop delay since start: p99 [\d.]+ m?s, max [\d.]+ m?s$/m);
});
