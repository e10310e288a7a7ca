// What PM2 calls its options (lib/API/schema.json): the aliases it accepts for one option, and the
// options pm has nothing for, each with what to do instead.
import type { Pm2App } from './load-ecosystem.js';

/** Alias → the name the translation reads (PM2's own aliases, plus `interpreter` for exec_interpreter). */
const ALIASES: Readonly<Record<string, string>> = {
  exec: 'script',
  exec_interpreter: 'interpreter',
  interpreterArgs: 'node_args',
  interpreter_args: 'node_args',
  out: 'out_file',
  output: 'out_file',
  out_log: 'out_file',
  error: 'error_file',
  err: 'error_file',
  err_file: 'error_file',
  err_log: 'error_file',
  log: 'log_file',
  pid: 'pid_file',
  cron: 'cron_restart',
  combine_logs: 'merge_logs',
  user: 'uid',
};

const MONITORING =
  'PM2 Plus monitoring: pm has `pm metrics`, a Prometheus endpoint and alerts (docs/monitoring.md)';
const SOURCE_MAPS = 'run node with --enable-source-maps (node_args, or NODE_OPTIONS in env)';
const NAMING = 'write the name the app should have in pm as its name:';

/** PM2 options with no equivalent in pm, and what to do instead. */
export const NO_EQUIVALENT: Readonly<Record<string, string>> = {
  instance_var: 'each instance gets its index in PM_INSTANCE and NODE_APP_INSTANCE: read one of those',
  source_map_support: SOURCE_MAPS,
  disable_source_map_support: SOURCE_MAPS,
  vizion: 'pm records no git metadata: nothing to do',
  post_update: 'run these commands from your deploy script',
  force: 'pm runs one app per name: give each copy its own name',
  shutdown_with_message:
    "pm stops an app with a signal (stop.signal): handle that instead of the 'shutdown' message",
  log_file:
    'pm keeps stdout and stderr in their own files: `pm logs <app>` shows both, interleaved (logs.out_file, logs.err_file)',
  pmx: MONITORING,
  automation: MONITORING,
  trace: MONITORING,
  disable_trace: MONITORING,
  v8: MONITORING,
  event_loop_inspector: MONITORING,
  deep_monitoring: MONITORING,
  io: MONITORING,
  treekill: 'pm always signals the whole process group, and kills the whole tree after stop.kill_timeout',
  kill_retry_time: 'pm sends SIGKILL once, after stop.kill_timeout',
  namespace: 'keep the apps of a namespace in one config file: `pm stop <file.yaml>` acts on its apps',
  name_prefix: NAMING,
  append_env_to_name: NAMING,
  filter_env:
    'env_inherit: false keeps only PATH, HOME, USER and LANG of the shell: list what the app needs in env:',
  pid_file: '`pm list --json` shows the pid of each instance',
  disable_logs: 'pm always keeps logs: bound them with logs.max_size and logs.max_files',
  watch_options: 'watch takes paths and globs, with watch_ignore and watch_delay (docs/workflows.md)',
  autostart:
    'pm starts every app of the file: move this app to another file, or start the others with --only',
  windowsHide: 'Windows only: nothing to do',
  username: 'informational in PM2: set user: to run as another user',
  execute_command: 'use command: for a command line',
  write: 'no equivalent: nothing to do',
  install_url: 'no equivalent: install the app before starting it',
};

/** An app's options under the names the translation reads; an alias never overrides the option itself. */
export function canonicalOptions(app: Pm2App): Pm2App {
  const options: Pm2App = {};
  for (const [key, value] of Object.entries(app)) {
    const name = ALIASES[key] ?? key;
    if (!(name in options) || name === key) options[name] = value;
  }
  return options;
}
