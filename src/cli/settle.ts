// After `pm start` defines an app: wait until its instances have run a short while, or exited, so
// that an app that dies at once (a missing module, a .ts file node cannot run) is reported with its
// last stderr lines and exit 1 instead of "online". The app stays defined and follows its policy.
import { parseDuration } from '../config/units.js';
import { linesFromEnd } from '../logs/tail.js';
import type { ProcessInfo } from '../protocol/process-info.js';
import type { DaemonClient } from './daemon-client.js';

/** Most of a crash at start-up happens in the first second; a longer min_uptime is not waited for. */
const MAX_SETTLE_MS = 1000;
const POLL_MS = 100;
const TAIL_LINES = 5;

/** The wait: min_uptime capped at 1s, or $PM_START_WAIT (a duration; 0 does not wait). */
export function settleTime(minUptimeMs: number): number {
  const fromEnv = process.env.PM_START_WAIT;
  const parsed = fromEnv === undefined ? undefined : parseDuration(fromEnv);
  return parsed ?? Math.min(minUptimeMs, MAX_SETTLE_MS);
}

const exited = (before: ProcessInfo, now: ProcessInfo) =>
  now.restarts > before.restarts || (now.status !== 'online' && now.status !== 'starting');

/** Lines read back from the end of an err log: enough to find an error and its stack. */
const SCANNED_LINES = 40;

/** The last lines of an err log, indented, or an empty string. */
function tail(file: string): string {
  const newestFirst: string[] = [];
  try {
    for (const line of linesFromEnd(file)) if (newestFirst.push(line) >= SCANNED_LINES) break;
  } catch {
    return '';
  }
  // Without the timestamps a log may carry; from the last error line when there is one (node prints
  // the error, then its stack), else the last lines.
  const lines = newestFirst
    .reverse()
    .map((line) => line.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z /, ''))
    .filter((line) => line.trim() !== '');
  const error = lines.findLastIndex((line) => /^\w*Error\b|^error\b/i.test(line));
  const shown = error >= 0 ? lines.slice(error, error + TAIL_LINES) : lines.slice(-TAIL_LINES);
  return shown.map((line) => `  ${JSON.stringify(line).slice(1, -1)}`).join('\n');
}

function describeExit(p: ProcessInfo): string {
  const exit = p.lastExit;
  const how = exit?.signal ? `killed by ${exit.signal}` : `exited with code ${exit?.code ?? '?'}`;
  const after = exit ? ` after ${exit.uptimeMs}ms` : '';
  const log = tail(p.errLog);
  const now = p.status === 'online' ? 'restarted' : p.status;
  return `${p.name}:${p.index} ${how}${after} at start-up (${now})${log ? `; its stderr:\n${log}` : ''}`;
}

/** Polls until each instance has been up `settleMs`, or exited; returns the messages of those that exited. */
export async function settle(
  client: DaemonClient,
  started: ProcessInfo[],
  settleMs: number,
): Promise<string[]> {
  if (settleMs <= 0 || started.length === 0) return [];
  const deadline = Date.now() + settleMs + 5000;
  const ids = new Map(started.map((p) => [p.id, p]));
  for (;;) {
    const now = (await client.request({ type: 'list' })).filter((p) => ids.has(p.id));
    const failed = now.filter((p) => exited(ids.get(p.id)!, p));
    const settled = now.every(
      (p) => failed.includes(p) || (p.startedAt !== null && Date.now() - p.startedAt >= settleMs),
    );
    if (settled || Date.now() > deadline) return failed.map(describeExit);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
