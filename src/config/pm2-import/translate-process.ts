// What runs and where: the name, the program line (script or command), cwd, the instance count,
// cluster mode's shared port, and the environment with its profiles.
import path from 'node:path';
import { PROFILE_KEY } from '../file/format-fields.js';
import {
  type AppDraft,
  addNote,
  type ImportContext,
  put,
  warn,
  warnNoEquivalent,
  warnUnreadable,
} from './app-draft.js';
import type { Pm2App } from './load-ecosystem.js';
import { joinArgs, quoteArg, resolveInstances, toList } from './pm2-values.js';

export const PROCESS_KEYS = [
  'name',
  'script',
  'args',
  'interpreter',
  'node_args',
  'cwd',
  'instances',
  'exec_mode',
  'env',
  'port',
  'filter_env',
] as const;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const JS_SCRIPT = /\.[cm]?[jt]s$/i;

/** A path PM2 resolved from `from`, written relative to the pm file (absolute when it lies outside). */
export function relocate(file: string, from: string, outputDir: string): string {
  const absolute = path.resolve(from, file);
  const relative = path.relative(outputDir, absolute);
  if (relative === '') return '.';
  return relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative;
}

/** PM2's working directory of the app: its cwd, resolved from where PM2 runs. */
export const pm2Cwd = (app: Pm2App, context: ImportContext): string =>
  path.resolve(context.sourceDir, typeof app.cwd === 'string' ? app.cwd : '.');

/** PM2 runs a script with node unless told otherwise, when it ends in .js (and .ts with its loader). */
const runsWithNode = (app: Pm2App): boolean =>
  typeof app.interpreter === 'string'
    ? path.basename(app.interpreter).startsWith('node')
    : JS_SCRIPT.test(String(app.script));

function translateProgram(app: Pm2App, context: ImportContext, draft: AppDraft): void {
  const script = String(app.script);
  const interpreter = typeof app.interpreter === 'string' ? app.interpreter : undefined;
  const interpreterArgs = toList(app.node_args) ?? [];
  const onPath = !script.includes('/') && !context.isFile(path.resolve(pm2Cwd(app, context), script));
  const launcher = interpreter ?? (runsWithNode(app) ? 'node' : undefined);
  if (onPath) {
    put(draft, 'command', [quoteArg(script), joinArgs(app.args)].filter(Boolean).join(' '));
    addNote(draft, 'command', `PM2 found "${script}" on the PATH: here a command line`);
  } else if (interpreterArgs.length > 0 && launcher && launcher !== 'none') {
    const line = [quoteArg(launcher), joinArgs(app.node_args), quoteArg(script), joinArgs(app.args)];
    put(draft, 'command', line.filter(Boolean).join(' '));
    addNote(draft, 'command', "pm has no node_args: the interpreter's arguments are in this command line");
  } else {
    put(draft, 'script', script);
    if (typeof app.args === 'string' && app.args.trim() !== '') put(draft, 'args', app.args.trim());
    else if (Array.isArray(app.args) && app.args.length > 0) put(draft, 'args', app.args.map(String));
    if (interpreter) put(draft, 'interpreter', interpreter);
    if (interpreterArgs.length > 0) warn(draft, 'node_args', 'no interpreter runs this script: left out');
  }
}

function translateCount(app: Pm2App, context: ImportContext, draft: AppDraft): void {
  if (app.instances === undefined) return;
  const count = resolveInstances(app.instances, context.cpus);
  if (count === undefined) {
    warnUnreadable(draft, 'instances', app.instances);
    return;
  }
  const literal = typeof app.instances === 'number' && app.instances > 0;
  const note = `PM2: instances: ${JSON.stringify(app.instances)}, which PM2 resolves to ${count} on this machine (${context.cpus} CPUs)`;
  put(draft, 'instances', count, literal ? undefined : note);
}

/** The port a cluster shared, when the app's env says it (PM2's `port:` is a shortcut for env.PORT). */
function sharedPort(app: Pm2App): number | undefined {
  const env = typeof app.env === 'object' && app.env !== null ? (app.env as Record<string, unknown>) : {};
  const port = Number(app.port ?? env.PORT);
  return Number.isInteger(port) && port >= 1 && port <= 65_535 ? port : undefined;
}

function translateCluster(app: Pm2App, draft: AppDraft): void {
  const mode = app.exec_mode;
  if (mode !== undefined && (typeof mode !== 'string' || !/^(cluster|fork)(_mode)?$/.test(mode))) {
    warnUnreadable(draft, 'exec_mode', mode);
    return;
  }
  // PM2 runs several instances of a node script in cluster mode unless told fork.
  const cluster =
    typeof mode === 'string' ? mode.startsWith('cluster') : app.instances !== undefined && runsWithNode(app);
  if (!cluster) return;
  const port = sharedPort(app);
  const anchor = 'instances' in draft.entry ? 'instances' : 'name';
  addNote(draft, anchor, 'PM2 cluster mode: pm runs each instance as its own process (docs/scaling.md)');
  if (port === undefined) {
    addNote(draft, anchor, 'to share one port between them, add listen: <port> (docs/scaling.md)');
    return;
  }
  put(
    draft,
    'listen',
    port,
    `the cluster shared PORT ${port}: pm listens on it and hands the socket to each instance (a Node app needs no change)`,
  );
}

/** PM2 passes strings, numbers and booleans as they are, and JSON for anything else. */
function toEnv(value: unknown, key: string, draft: AppDraft): Record<string, unknown> {
  const env: Record<string, unknown> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    warnUnreadable(draft, key, value);
    return env;
  }
  for (const [name, item] of Object.entries(value)) {
    if (item === undefined || item === null) continue;
    if (!ENV_NAME.test(name)) {
      warn(draft, `${key}.${name}`, 'not a variable name pm accepts (letters, digits and _): left out');
    } else if (typeof item === 'object') {
      env[name] = JSON.stringify(item);
      addNote(draft, key, `${name} was an object: written as JSON, as PM2 passes it`);
    } else {
      env[name] = typeof item === 'number' && !Number.isFinite(item) ? String(item) : item;
    }
  }
  return env;
}

function translateEnv(app: Pm2App, draft: AppDraft): void {
  const env = app.env === undefined ? {} : toEnv(app.env, 'env', draft);
  if (app.port !== undefined && env.PORT === undefined) env.PORT = app.port;
  if (Object.keys(env).length > 0) put(draft, 'env', env);
  for (const [key, value] of Object.entries(app)) {
    if (!key.startsWith('env_')) continue;
    if (!PROFILE_KEY.test(key)) {
      warn(draft, key, 'not a profile name pm accepts (env_ then letters, digits, _ and -): left out');
      continue;
    }
    put(draft, key, toEnv(value, key, draft));
  }
  if (app.filter_env === true) {
    put(draft, 'env_inherit', false, "PM2's filter_env: true; pm still passes PATH, HOME, USER and LANG");
  } else if (app.filter_env !== undefined && app.filter_env !== false) {
    warnNoEquivalent(draft, 'filter_env');
  }
}

export function translateProcess(app: Pm2App, context: ImportContext, draft: AppDraft): void {
  translateProgram(app, context, draft);
  const cwd = relocate(pm2Cwd(app, context), '.', context.outputDir);
  if (cwd !== '.') put(draft, 'cwd', cwd);
  translateCount(app, context, draft);
  translateCluster(app, draft);
  translateEnv(app, draft);
}
