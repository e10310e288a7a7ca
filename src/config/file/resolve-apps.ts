// From a well-shaped config to AppSpecs: what the file's shape cannot show is checked here (unique
// names, directories and files that exist, pool bounds), and process_management: is merged into
// each app, key by key, before buildAppSpec applies the built-in defaults.
import fs from 'node:fs';
import path from 'node:path';
import { parseListenEntry } from '../../listen/listen-address.js';
import type {
  AppSpec,
  ListenAddress,
  PoolSpec,
  ProbeSpec,
  RlimitsSpec,
  RunAsSpec,
  ScheduleSpec,
  WatchSpec,
} from '../../protocol/app-spec.js';
import { PmError } from '../../protocol/errors.js';
import { quoteText } from '../../protocol/escape-text.js';
import { buildAppSpec } from '../app-spec/build-app-spec.js';
import { whyNotCron, whyNotTimezone } from '../app-spec/check-schedule.js';
import { checkRlimits, type HardLimits, readHardLimits } from '../app-spec/rlimits.js';
import { currentHost, type RunAsHost, resolveRunAs } from '../app-spec/run-as.js';
import { DEFAULT_POOL, DEFAULT_PROBE, DEFAULT_WATCH_DELAY_MS, DEFAULT_WATCH_IGNORE } from '../defaults.js';
import { checkDependencies, type DependencyNode, readDependsOn } from './check-dependencies.js';
import type { AppEntry, ConfigFile } from './config-format.js';
import type { ConfigIssue } from './config-issue.js';
import { issueAt, type ParsedConfig } from './parse-config.js';
import { readEnvFile } from './read-env-file.js';
import { toLimits, toLogs, toMonitoring, toPool, toRecovery, toRlimits, toStop } from './to-policies.js';
import { toProbe } from './to-probes.js';

export interface ResolveOptions {
  /** Absolute path of the config file: cwd, env_file and log paths start from its directory. */
  file: string;
  /** `--env <profile>`: merge each app's `env_<profile>:` over its env. */
  profile?: string;
  /** The environment the apps inherit. */
  baseEnv: Record<string, string>;
  /** Who resolves `user:` and `group:`, and the hard limits rlimits are checked against (tests fake them). */
  host?: { runAs: RunAsHost; hardLimits: HardLimits | null };
}

interface Resolution extends ResolveOptions {
  host: NonNullable<ResolveOptions['host']>;
  config: ConfigFile;
  configDir: string;
  issues: ConfigIssue[];
  report: (path: string, message: string) => void;
}

const isDirectory = (dir: string) => fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;
const isFile = (file: string) => fs.statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;

function resolveEnv(app: AppEntry, at: string, r: Resolution): Record<string, string> {
  let fromFile: Record<string, string> = {};
  if (app.env_file !== undefined) {
    const read = readEnvFile(path.resolve(r.configDir, app.env_file));
    if (typeof read === 'string')
      r.report(`${at}.env_file`, `found ${quoteText(app.env_file)} (${read}), expected a readable env file`);
    else fromFile = read;
  }
  const profile = r.profile === undefined ? {} : app.profiles?.[r.profile];
  return { ...fromFile, ...app.env, ...profile };
}

/** An autoscaling pool, or undefined for a fixed `instances:` count. */
function resolvePool(app: AppEntry, at: string, r: Resolution): PoolSpec | undefined {
  const shared = r.config.process_management?.pool;
  if (app.instances !== undefined) {
    if (app.pool) r.report(`${at}.pool`, 'found both instances and pool, expected only one of them');
    return undefined;
  }
  if (!app.pool && !shared) return undefined;
  const given = { ...toPool(shared), ...toPool(app.pool) };
  const minSize = given.minSize ?? DEFAULT_POOL.minSize;
  const pool = { ...DEFAULT_POOL, maxSize: Math.max(minSize, DEFAULT_POOL.maxSize), ...given };
  if (pool.minSize > pool.maxSize && app.pool) {
    const [key, message] =
      app.pool.max_size !== undefined
        ? ['max_size', `found ${pool.maxSize}, expected at least min_size (${pool.minSize})`]
        : ['min_size', `found ${pool.minSize}, expected at most max_size (${pool.maxSize})`];
    r.report(`${at}.pool.${key}`, message);
  }
  return pool;
}

/** The listen: entries as addresses; each entry that is not one is reported. */
function resolveListen(app: AppEntry, at: string, r: Resolution): ListenAddress[] | undefined {
  if (app.listen === undefined) return undefined;
  const entries = Array.isArray(app.listen) ? app.listen : [app.listen];
  const addresses: ListenAddress[] = [];
  entries.forEach((entry, i) => {
    const parsed = parseListenEntry(entry);
    if (parsed.ok) addresses.push(parsed.address);
    else r.report(Array.isArray(app.listen) ? `${at}.listen[${i}]` : `${at}.listen`, parsed.message);
  });
  return addresses;
}

/** cron: runs a task, cron_restart: restarts a service; both are checked as croner reads them. */
function resolveSchedule(app: AppEntry, at: string, r: Resolution): ScheduleSpec | undefined {
  const { cron, cron_restart: cronRestart, timezone } = app;
  const task = app.type === 'task';
  if (cron !== undefined && !task) {
    r.report(`${at}.cron`, 'cron: runs a task: add type: task, or restart a service with cron_restart:');
    return undefined;
  }
  if (cronRestart !== undefined && task) {
    r.report(`${at}.cron_restart`, 'a task is run on a schedule with cron:, not restarted');
    return undefined;
  }
  const expression = cron ?? cronRestart;
  if (expression === undefined) {
    if (timezone !== undefined) r.report(`${at}.timezone`, 'timezone: goes with cron: or cron_restart:');
    return undefined;
  }
  const badZone = timezone === undefined ? null : whyNotTimezone(timezone);
  if (badZone) {
    r.report(`${at}.timezone`, `found ${quoteText(timezone!)}: ${badZone}`);
    return undefined;
  }
  const why = whyNotCron(expression, timezone);
  if (why) {
    r.report(`${at}.${cron ? 'cron' : 'cron_restart'}`, `found ${quoteText(expression)}: ${why}`);
    return undefined;
  }
  return { cron: expression, action: cron ? 'run' : 'restart', ...(timezone !== undefined && { timezone }) };
}

/** watch: true (the whole cwd) or paths and globs; watch_ignore and watch_delay go with it. */
function resolveWatch(app: AppEntry, at: string, r: Resolution): WatchSpec | undefined {
  const { watch, watch_ignore: ignore, watch_delay: delayMs } = app;
  if (watch === undefined || watch === false) {
    if (ignore !== undefined) r.report(`${at}.watch_ignore`, 'watch_ignore: goes with watch:');
    if (delayMs !== undefined) r.report(`${at}.watch_delay`, 'watch_delay: goes with watch:');
    return undefined;
  }
  return {
    paths: watch === true ? [] : watch,
    ignore: [...DEFAULT_WATCH_IGNORE, ...(ignore ?? [])],
    delayMs: delayMs ?? DEFAULT_WATCH_DELAY_MS,
  };
}

/** process_management.pool on its own: checked even when no app uses it. */
function checkSharedPool(r: Resolution): void {
  const { min_size: minSize, max_size: maxSize } = r.config.process_management?.pool ?? {};
  if (minSize !== undefined && maxSize !== undefined && minSize > maxSize) {
    r.report('process_management.pool.max_size', `found ${maxSize}, expected at least min_size (${minSize})`);
  }
}

function resolveHealth(app: AppEntry, at: string, r: Resolution): ProbeSpec[] {
  const intervalMs =
    app.monitoring?.health_check_interval ??
    r.config.process_management?.monitoring?.health_check_interval ??
    DEFAULT_PROBE.intervalMs;
  const single = app.health !== undefined && !Array.isArray(app.health);
  const entries = app.health === undefined ? [] : Array.isArray(app.health) ? app.health : [app.health];
  return entries.flatMap((entry, index) => {
    // An entry with shape issues (already reported) has no single check to build.
    if ([entry?.http, entry?.tcp, entry?.exec].filter((check) => check !== undefined).length !== 1) return [];
    const probe = toProbe(entry, intervalMs);
    if (typeof probe !== 'string') return [probe];
    r.report(`${at}.health${single ? '' : `[${index}]`}.tcp`, probe);
    return [];
  });
}

/** The user and group resolved, the rlimits within the hard limits: each problem reported at its key. */
function resolveIsolation(
  app: AppEntry,
  at: string,
  r: Resolution,
): { runAs?: RunAsSpec; rlimits?: RlimitsSpec } {
  const resolved = resolveRunAs({ user: app.user, group: app.group }, r.host.runAs);
  for (const problem of 'problems' in resolved ? resolved.problems : []) {
    r.report(`${at}.${problem.key}`, problem.message);
  }
  const rlimits = toRlimits(app.rlimits);
  for (const over of rlimits ? checkRlimits(rlimits, r.host.hardLimits) : []) {
    r.report(`${at}.rlimits.${over.key}`, over.message);
  }
  return { ...('runAs' in resolved && { runAs: resolved.runAs }), rlimits };
}

/** Checks the app; builds its AppSpec when `build` is set (its shape is complete) and the checks pass. */
function resolveApp(app: AppEntry, at: string, r: Resolution, build: boolean): AppSpec | undefined {
  const before = r.issues.length;
  const cwd = path.resolve(r.configDir, app.cwd ?? '.');
  if (!isDirectory(cwd)) {
    r.report(
      `${at}.cwd`,
      `found ${quoteText(app.cwd ?? '.')} (${cwd} is not a directory), expected an existing directory`,
    );
  } else if (app.script !== undefined && !isFile(path.resolve(cwd, app.script))) {
    r.report(
      `${at}.script`,
      `found ${quoteText(app.script)} (no such file in ${cwd}), expected a script file relative to cwd`,
    );
  }
  const env = resolveEnv(app, at, r);
  const pool = resolvePool(app, at, r);
  const health = resolveHealth(app, at, r);
  const isolation = resolveIsolation(app, at, r);
  const listen = resolveListen(app, at, r);
  const schedule = resolveSchedule(app, at, r);
  const watch = resolveWatch(app, at, r);
  const counted = app.increment_var === undefined ? undefined : env?.[app.increment_var];
  if (app.increment_var !== undefined && (counted === undefined || !/^\d+$/.test(counted))) {
    r.report(
      `${at}.increment_var`,
      `found ${quoteText(app.increment_var)}, expected a variable of env: holding a whole number (PORT: 3000)${counted === undefined ? '' : `, not ${quoteText(counted)}`}`,
    );
  }
  if (!build || r.issues.length > before) return undefined;
  const shared = r.config.process_management ?? {};
  try {
    return buildAppSpec(
      {
        name: app.name,
        script: app.script ?? app.command!,
        args: typeof app.args === 'string' ? app.args.split(/\s+/).filter(Boolean) : app.args,
        interpreter: app.interpreter,
        interpreterArgs:
          typeof app.node_args === 'string' ? app.node_args.split(/\s+/).filter(Boolean) : app.node_args,
        cwd: app.cwd,
        env,
        instances: pool ? pool.minSize : app.instances,
        stop: toStop(app.stop),
        recovery: {
          ...toRecovery(shared.recovery),
          // A task is not restarted unless its own recovery says so: the shared policy is for services.
          ...(app.type === 'task' && { autoRestart: 'never' as const }),
          ...toRecovery(app.recovery),
        },
        limits: toLimits(app.limits),
        health,
        logs: toLogs(app.logs, r.configDir),
        pool,
        monitoring: { ...toMonitoring(shared.monitoring), ...toMonitoring(app.monitoring) },
        source: r.file,
        ...isolation,
        umask: app.umask,
        envInherit: app.env_inherit,
        listen,
        listenTimeoutMs: app.listen_timeout,
        waitReady: app.wait_ready,
        type: app.type === 'task' ? 'task' : undefined,
        schedule,
        watch,
        incrementVar: app.increment_var,
        dependsOn: readDependsOn(app, at).map(({ app, condition, restart }) => ({ app, condition, restart })),
      },
      { baseDir: r.configDir, baseEnv: r.baseEnv },
    );
  } catch (error) {
    if (!(error instanceof PmError)) throw error;
    r.report(`${at}.${app.script === undefined ? 'command' : 'script'}`, error.message);
    return undefined;
  }
}

/** Whether a shape issue lies inside `at` (then the entry is incomplete and is not resolved). */
const isWithin = (issuePath: string, at: string) =>
  issuePath === at || (/^[.[]/.test(issuePath.slice(at.length)) && issuePath.startsWith(at));

/**
 * One AppSpec per app of the file, in file order; `issues` empty when all are valid. Apps with
 * shape issues (already in `parsed.issues`) are checked but not built.
 */
export function resolveApps(
  parsed: ParsedConfig,
  options: ResolveOptions,
): { specs: AppSpec[]; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const r: Resolution = {
    ...options,
    host: options.host ?? { runAs: currentHost(), hardLimits: readHardLimits() },
    config: parsed.config,
    configDir: path.dirname(options.file),
    issues,
    report: (keyPath, message) => issues.push(issueAt(parsed, keyPath, message)),
  };
  checkSharedPool(r);
  const firstLine = new Map<string, number>();
  const specs: AppSpec[] = [];
  const nodes: DependencyNode[] = [];
  for (const [index, app] of (parsed.config.apps ?? []).entries()) {
    const at = `apps[${index}]`;
    if (!app) continue;
    const first = firstLine.get(app.name);
    if (first !== undefined) {
      r.report(
        `${at}.name`,
        `found ${quoteText(app.name)} again (first at line ${first}), expected a unique name`,
      );
    } else if (typeof app.name === 'string') {
      firstLine.set(app.name, parsed.positions.get(`${at}.name`)?.line ?? 0);
    }
    const complete = first === undefined && !parsed.issues.some((issue) => isWithin(issue.path, at));
    const spec = resolveApp(app, at, r, complete);
    if (spec) specs.push(spec);
    if (typeof app.name === 'string') {
      nodes.push({
        name: app.name,
        at,
        task: app.type === 'task',
        probed: app.health !== undefined && (!Array.isArray(app.health) || app.health.length > 0),
        dependsOn: readDependsOn(app, at),
      });
    }
  }
  checkDependencies(nodes, r.report);
  return { specs, issues };
}
