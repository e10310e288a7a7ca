// Keys the format accepts but nothing acts on in this file's setup: the file stays valid, and
// `pm validate` and `pm start` say so, so that nobody counts on autoscaling or a limit that never runs.
import type { AppEntry } from './config-format.js';
import type { ConfigIssue } from './config-issue.js';
import { issueAt, type ParsedConfig } from './parse-config.js';

/** Why no sample is taken for this app, or undefined when it is sampled. */
function whyUnsampled(parsed: ParsedConfig, app: AppEntry): string | undefined {
  const shared = parsed.config.process_management?.monitoring;
  const collects = app.monitoring?.metrics_collection ?? shared?.metrics_collection;
  const why =
    collects === false
      ? 'metrics_collection is false for this app'
      : shared?.metrics_interval === 0
        ? 'process_management.monitoring.metrics_interval is 0 (no sampling)'
        : undefined;
  return why;
}

/** A memory limit that no sample will ever be compared with. */
function memoryLimitIssue(parsed: ParsedConfig, at: string, app: AppEntry): ConfigIssue[] {
  if (app.limits?.max_memory === undefined) return [];
  const why = whyUnsampled(parsed, app);
  if (why === undefined) return [];
  const message = `accepted but not acted on: the limit is checked on metrics samples, and ${why}`;
  return [issueAt(parsed, `${at}.limits.max_memory`, message)];
}

/** A pool that no sample will ever scale: it stays at min_size. Told where its pool is written. */
function poolIssue(parsed: ParsedConfig, at: string, app: AppEntry): ConfigIssue[] {
  const own = app.pool !== undefined;
  if (!own && (app.instances !== undefined || parsed.config.process_management?.pool === undefined))
    return [];
  const why = whyUnsampled(parsed, app);
  if (why === undefined) return [];
  const message = `accepted but not acted on: the pool scales on metrics samples, and ${why}; it runs min_size instances`;
  // A shared pool with no sampling at all is told once, where it is written; otherwise at the app.
  const where = own
    ? `${at}.pool`
    : app.monitoring?.metrics_collection === false
      ? at
      : 'process_management.pool';
  return [issueAt(parsed, where, message)];
}

/** One issue per section that sets such keys, where it is written (a shared pool once, not per app). */
export function findInertKeys(parsed: ParsedConfig): ConfigIssue[] {
  const issues = (parsed.config.apps ?? []).flatMap((app, index) =>
    app
      ? [...poolIssue(parsed, `apps[${index}]`, app), ...memoryLimitIssue(parsed, `apps[${index}]`, app)]
      : [],
  );
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\0${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
