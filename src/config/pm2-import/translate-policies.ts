// How the app is kept running: restarts, stopping, memory limit, readiness, schedules, watching,
// logs and the user it runs as.

import { MIN_MEMORY_BYTES } from '../file/config-format.js';
import { parseSize } from '../units.js';
import {
  type AppDraft,
  type ImportContext,
  put,
  warn,
  warnNoEquivalent,
  warnUnreadable,
} from './app-draft.js';
import type { Pm2App } from './load-ecosystem.js';
import { toDuration, toList, toSize } from './pm2-values.js';
import { pm2Cwd, relocate } from './translate-process.js';

export const POLICY_KEYS = [
  'autorestart',
  'max_restarts',
  'min_uptime',
  'restart_delay',
  'exp_backoff_restart_delay',
  'stop_exit_codes',
  'kill_timeout',
  'max_memory_restart',
  'listen_timeout',
  'wait_ready',
  'increment_var',
  'cron_restart',
  'watch',
  'ignore_watch',
  'watch_delay',
  'out_file',
  'error_file',
  'merge_logs',
  'log_date_format',
  'time',
  'log_type',
  'uid',
  'gid',
  'treekill',
  'autostart',
] as const;

/** PM2's cap of exp_backoff_restart_delay (it multiplies the delay by 1.5 up to this). */
const PM2_BACKOFF_CAP = '15s';

function putDuration(draft: AppDraft, app: Pm2App, key: string, target: string, note?: string): void {
  if (app[key] === undefined) return;
  const duration = toDuration(app[key]);
  if (duration === undefined) {
    warnUnreadable(draft, key, app[key]);
    return;
  }
  put(draft, target, duration, note);
}

function translateRecovery(app: Pm2App, draft: AppDraft): void {
  if (typeof app.autorestart === 'boolean') put(draft, 'recovery.auto_restart', app.autorestart);
  else if (app.autorestart !== undefined) warnUnreadable(draft, 'autorestart', app.autorestart);
  const max = app.max_restarts;
  if (typeof max === 'number' && Number.isInteger(max) && max >= 0) {
    put(
      draft,
      'recovery.max_restarts',
      max,
      'PM2 counted consecutive runs shorter than min_uptime; pm counts them within restart_window (60s) and tries again after retry_after (5m)',
    );
  } else if (max !== undefined) warnUnreadable(draft, 'max_restarts', max);
  putDuration(draft, app, 'min_uptime', 'recovery.min_uptime');
  if (app.exp_backoff_restart_delay === undefined) {
    putDuration(draft, app, 'restart_delay', 'recovery.restart_delay');
  } else {
    // PM2 ignores restart_delay then: each crash waits 1.5 times longer, from this delay up to 15 s.
    putDuration(
      draft,
      app,
      'exp_backoff_restart_delay',
      'recovery.restart_delay',
      "PM2's exp_backoff_restart_delay: its first delay is the least pm waits",
    );
    put(
      draft,
      'recovery.backoff',
      PM2_BACKOFF_CAP,
      "PM2's backoff grew 1.5x up to 15s; pm's doubles from 100ms up to this, and at most restart_window / max_restarts",
    );
  }
  const codes = typeof app.stop_exit_codes === 'number' ? [app.stop_exit_codes] : app.stop_exit_codes;
  if (Array.isArray(codes) && codes.every((code) => Number.isInteger(code) && code >= 0 && code <= 255)) {
    put(draft, 'recovery.stop_exit_codes', codes);
  } else if (codes !== undefined) warnUnreadable(draft, 'stop_exit_codes', app.stop_exit_codes);
}

function translateStop(app: Pm2App, draft: AppDraft): void {
  put(draft, 'stop.signal', 'SIGINT', "PM2 stops apps with SIGINT (pm's default is SIGTERM)");
  putDuration(draft, app, 'kill_timeout', 'stop.kill_timeout');
  // true is PM2's default and pm's only way; false has no equivalent. Likewise autostart.
  if (app.treekill === false) warnNoEquivalent(draft, 'treekill');
  if (app.autostart === false) warnNoEquivalent(draft, 'autostart');
}

function translateLimits(app: Pm2App, draft: AppDraft): void {
  if (app.max_memory_restart === undefined) return;
  const size = toSize(app.max_memory_restart);
  if (size === undefined) {
    warnUnreadable(draft, 'max_memory_restart', app.max_memory_restart);
    return;
  }
  if ((parseSize(size) ?? 0) < MIN_MEMORY_BYTES) {
    // No program runs in less: pm refuses such a limit, which would restart the app forever.
    warn(draft, 'max_memory_restart', `${size} is below 1M, the least pm accepts: left out`);
    return;
  }
  put(draft, 'limits.max_memory', size);
}

function translateReadiness(app: Pm2App, draft: AppDraft): void {
  putDuration(draft, app, 'listen_timeout', 'listen_timeout');
  if (app.wait_ready !== true) return;
  put(
    draft,
    'wait_ready',
    true,
    "PM2's process.send('ready') becomes a line written to the fd in PM_READY_FD; a Node app with listen: says it by itself when it listens",
  );
}

/** pm needs the variable in env: as a whole number, as PM2 does to count from it. */
function translateIncrement(app: Pm2App, draft: AppDraft): void {
  const name = app.increment_var;
  if (name === undefined) return;
  const value = (app.env as Record<string, unknown> | undefined)?.[String(name)];
  if (typeof name === 'string' && /^\d+$/.test(String(value ?? ''))) {
    put(draft, 'increment_var', name);
    return;
  }
  warn(
    draft,
    'increment_var',
    `pm counts from ${String(name)} in env: as a whole number, and env has none: left out`,
  );
}

function translateSchedule(app: Pm2App, draft: AppDraft): void {
  if (app.cron_restart === undefined) return;
  if (typeof app.cron_restart !== 'string') {
    warnUnreadable(draft, 'cron_restart', app.cron_restart);
    return;
  }
  put(draft, 'cron_restart', app.cron_restart);
}

function translateWatch(app: Pm2App, draft: AppDraft): void {
  if (app.watch === true) put(draft, 'watch', true);
  else if (app.watch !== undefined && app.watch !== false) {
    const paths = toList(app.watch);
    if (paths) put(draft, 'watch', paths);
    else warnUnreadable(draft, 'watch', app.watch);
  }
  if (app.ignore_watch !== undefined) {
    const globs = toList(app.ignore_watch);
    if (globs) put(draft, 'watch_ignore', globs, 'PM2 also took regular expressions here; pm takes globs');
    else warnUnreadable(draft, 'ignore_watch', app.ignore_watch);
  }
  putDuration(draft, app, 'watch_delay', 'watch_delay');
}

function translateLogFile(app: Pm2App, context: ImportContext, draft: AppDraft, key: string, target: string) {
  const file = app[key];
  if (file === undefined) return;
  if (typeof file !== 'string') {
    warnUnreadable(draft, key, file);
    return;
  }
  if (file === '/dev/null' || file === 'NULL') {
    warnNoEquivalent(draft, 'disable_logs');
    return;
  }
  put(draft, target, relocate(file, pm2Cwd(app, context), context.outputDir));
}

function translateLogs(app: Pm2App, context: ImportContext, draft: AppDraft): void {
  translateLogFile(app, context, draft, 'out_file', 'logs.out_file');
  translateLogFile(app, context, draft, 'error_file', 'logs.err_file');
  if (typeof app.merge_logs === 'boolean') put(draft, 'logs.merge', app.merge_logs);
  if (typeof app.log_date_format === 'string') {
    put(
      draft,
      'logs.timestamps',
      true,
      `PM2's log_date_format was "${app.log_date_format}": pm writes ISO-8601 times`,
    );
  } else if (typeof app.time === 'boolean') put(draft, 'logs.timestamps', app.time);
  if (app.log_type === 'json') put(draft, 'logs.format', 'json');
}

function translateUser(app: Pm2App, draft: AppDraft): void {
  const rootOnly = 'pm must run as root to run an app as another user or group';
  for (const [key, target] of [
    ['uid', 'user'],
    ['gid', 'group'],
  ] as const) {
    if (typeof app[key] === 'string' || typeof app[key] === 'number') {
      put(draft, target, app[key], draft.notes.has('user') ? undefined : rootOnly);
    } else if (app[key] !== undefined) warnUnreadable(draft, key, app[key]);
  }
}

export function translatePolicies(app: Pm2App, context: ImportContext, draft: AppDraft): void {
  translateRecovery(app, draft);
  translateStop(app, draft);
  translateLimits(app, draft);
  translateReadiness(app, draft);
  translateSchedule(app, draft);
  translateIncrement(app, draft);
  translateWatch(app, draft);
  translateLogs(app, context, draft);
  translateUser(app, draft);
}
