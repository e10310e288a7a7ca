// Keys the format accepts but nothing acts on (yet, or in this file's setup): the file stays valid,
// and `pm validate` and `pm start` say so, so that nobody counts on autoscaling or a limit that never runs.
import type { AppEntry, PoolEntry } from './config-format.js';
import type { ConfigIssue } from './config-issue.js';
import { issueAt, type ParsedConfig } from './parse-config.js';

/** Read and checked, then dropped: autoscaling is not built, a pool runs min_size instances. */
const UNBUILT_POOL_KEYS = ['max_size', 'idle_timeout', 'target_cpu', 'cooldown'] as const;

const listed = (keys: readonly string[]) => keys.join(', ').replace(/, (?=[^,]+$)/, ' and ');

/** The warning for the unbuilt keys of one pool section, in the order written above. */
function poolWarning(keys: readonly string[]): string {
  const verb = keys.length === 1 ? 'is' : 'are';
  return `${listed(keys)} ${verb} accepted but not acted on yet: pm does not autoscale, a pool runs min_size instances`;
}

function poolIssue(parsed: ParsedConfig, at: string, pool: PoolEntry | undefined): ConfigIssue[] {
  const present = UNBUILT_POOL_KEYS.filter((key) => pool?.[key] !== undefined);
  if (present.length === 0) return [];
  // Placed at the first such key, so that an editor jumps to what the warning is about.
  return [{ ...issueAt(parsed, `${at}.${present[0]}`, poolWarning(present)), path: at }];
}

/** A memory limit that no sample will ever be compared with. */
function memoryLimitIssue(parsed: ParsedConfig, at: string, app: AppEntry): ConfigIssue[] {
  if (app.limits?.max_memory === undefined) return [];
  const shared = parsed.config.process_management?.monitoring;
  const collects = app.monitoring?.metrics_collection ?? shared?.metrics_collection;
  const why =
    collects === false
      ? 'metrics_collection is false for this app'
      : shared?.metrics_interval === 0
        ? 'process_management.monitoring.metrics_interval is 0 (no sampling)'
        : undefined;
  if (why === undefined) return [];
  const message = `accepted but not acted on: the limit is checked on metrics samples, and ${why}`;
  return [issueAt(parsed, `${at}.limits.max_memory`, message)];
}

/** One issue per section that sets such keys, where it is written (a shared pool once, not per app). */
export function findInertKeys(parsed: ParsedConfig): ConfigIssue[] {
  const shared = poolIssue(parsed, 'process_management.pool', parsed.config.process_management?.pool);
  const perApp = (parsed.config.apps ?? []).flatMap((app, index) =>
    app
      ? [
          ...poolIssue(parsed, `apps[${index}].pool`, app.pool),
          ...memoryLimitIssue(parsed, `apps[${index}]`, app),
        ]
      : [],
  );
  return [...shared, ...perApp];
}
