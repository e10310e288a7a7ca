// `--wait [timeout]`, for scripts and CI: the command returns only once every instance it started is
// ready: online (and healthy, when its app has a health probe), or completed (a task). It fails at
// the timeout, or at once when an instance can no longer get there (errored, failed, blocked),
// naming each instance that is not ready: its state and why, its last probe verdict, its last lines.
import { InvalidArgumentError, Option } from 'commander';
import { parseDuration } from '../config/units.js';
import { PmError } from '../protocol/errors.js';
import type { ProcessInfo } from '../protocol/process-info.js';
import type { DaemonClient } from './daemon-client.js';

export const DEFAULT_WAIT_MS = 60_000;
/** About when the command started (this module loads with it): the lines and probe verdicts shown
 * for an instance that is not ready are those of this command's runs. */
const COMMAND_STARTED = Date.now();
const POLL_MS = 200;
const LOG_LINES = 3;

/** `--wait [timeout]`; the flag alone is the default timeout (never `true`: `pm start` also has
 * `--no-wait`, which makes `wait` default to true). */
export function waitFlag(): Option {
  return new Option(
    '--wait [timeout]',
    `return only once every instance is ready: online (and healthy, with a health probe) or completed (a task); exit 1 naming those that are not at the timeout (default ${DEFAULT_WAIT_MS / 1000}s)`,
  )
    .preset(String(DEFAULT_WAIT_MS))
    .argParser((value: string) => {
      const ms = parseDuration(value);
      if (ms === undefined) throw new InvalidArgumentError('expected a timeout such as 30s or 2m');
      return ms;
    });
}

/** The timeout `--wait` set, or null without it. */
export const waitTimeout = (value: boolean | number | undefined): number | null =>
  typeof value === 'number' ? value : null;

type Verdict = 'ready' | 'pending' | 'hopeless';

/** `kind`: what ready means for the instance's app: a task completes; a service with a health probe
 * is healthy; one without is online. */
function verdictOf(p: ProcessInfo, kind: 'task' | 'probed' | 'plain'): Verdict {
  switch (p.status) {
    case 'completed':
      return 'ready';
    case 'online':
      return kind === 'plain' || (kind === 'probed' && p.health === 'healthy') ? 'ready' : 'pending';
    case 'errored':
    case 'failed':
    case 'blocked':
      return 'hopeless';
    default:
      return 'pending';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Why one instance is not ready, with its last probe verdict and its last lines of output. */
async function explain(
  client: DaemonClient,
  p: ProcessInfo,
  probed: boolean,
  sinceMs: number,
): Promise<string> {
  const label = `${p.name}:${p.index}`;
  const state =
    p.status === 'failed' && p.lastExit
      ? `failed (${p.lastExit.signal ?? `code ${p.lastExit.code}`})`
      : p.status;
  const running = p.pid !== null;
  const lines = [
    `  ${label} ${state}${p.reason ? ` (${p.reason})` : ''}${probed && running ? `, health ${p.health}` : ''}`,
  ];
  if (probed && running) {
    let verdict: string | null = null;
    await client.stream({ type: 'events', lines: 500, follow: false, sinceMs }, (event) => {
      if (event.type === 'health-changed' && event.app === p.name && event.index === p.index)
        verdict = event.message;
    });
    if (verdict) lines.push(`    last probe: ${verdict}`);
  }
  const output: string[] = [];
  await client.stream(
    {
      type: 'logs',
      target: { kind: 'instance', name: p.name, index: p.index },
      lines: LOG_LINES,
      follow: false,
      streams: ['out', 'err'],
      sinceMs,
    },
    (line) => output.push(`    ${line.stream} | ${line.line}`),
  );
  return [...lines, ...output.slice(-LOG_LINES)].join('\n');
}

/** Waits until every instance of `started` is ready, and returns them as they are then (`started`
 * itself without a timeout); throws (not-ready) at the timeout or at once when one of them cannot
 * get there. */
export async function waitUntilReady(
  client: DaemonClient,
  started: ProcessInfo[],
  timeoutMs: number | null,
): Promise<ProcessInfo[]> {
  if (timeoutMs === null) return started;
  const sinceMs = COMMAND_STARTED;
  // What the command left stopped is not what it started: a scheduled task waiting for its time,
  // an instance stopped by hand that a scale did not touch.
  const ids = new Set(started.filter((p) => p.status !== 'stopped').map((p) => p.id));
  const names = [...new Set(started.map((p) => p.name))];
  const details = await client.request({ type: 'describe', target: { kind: 'all' } });
  const kinds = new Map(
    details.map(
      ({ spec }) =>
        [spec.name, spec.type === 'task' ? 'task' : spec.health.length > 0 ? 'probed' : 'plain'] as const,
    ),
  );
  const probed = (p: ProcessInfo) => kinds.get(p.name) === 'probed';
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = (await client.request({ type: 'list' })).filter((p) => ids.has(p.id));
    const verdicts = now.map((p) => [p, verdictOf(p, kinds.get(p.name) ?? 'plain')] as const);
    if (verdicts.every(([, v]) => v === 'ready')) return now;
    const hopeless = verdicts.some(([, v]) => v === 'hopeless');
    if (hopeless || Date.now() >= deadline) {
      const notReady = verdicts.filter(([, v]) => v !== 'ready').map(([p]) => p);
      const why = await Promise.all(notReady.map((p) => explain(client, p, probed(p), sinceMs)));
      const head = hopeless
        ? `not ready, and will not be without a change (${names.join(', ')}):`
        : `not ready after ${Math.round(timeoutMs / 1000)}s (${names.join(', ')}):`;
      throw new PmError('not-ready', [head, ...why].join('\n'));
    }
    await sleep(POLL_MS);
  }
}
