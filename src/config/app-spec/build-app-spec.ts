// One way to build an AppSpec, for the command line and for config files alike: defaults
// applied, the command resolved, names and numbers checked.
import path from 'node:path';
import type {
  AppSpec,
  LimitsSpec,
  LogSpec,
  MonitoringSpec,
  PoolSpec,
  ProbeSpec,
  RecoveryPolicy,
  RunAsSpec,
  StopPolicy,
} from '../../protocol/app-spec.js';
import { PmError } from '../../protocol/errors.js';
import { quoteText } from '../../protocol/escape-text.js';
import { APP_NAME_PATTERN } from '../../protocol/target.js';
import { DEFAULT_LOGS, DEFAULT_MONITORING, DEFAULT_RECOVERY, DEFAULT_STOP } from '../defaults.js';
import { defaultAppName, resolveRun } from './resolve-run.js';

/** An app as the user described it; units already parsed; anything missing takes its default.
 * The keys taken as given are AppSpec's own. */
export interface AppInput
  extends Partial<
    Pick<
      AppSpec,
      | 'source'
      | 'umask'
      | 'rlimits'
      | 'envInherit'
      | 'listen'
      | 'listenTimeoutMs'
      | 'waitReady'
      | 'type'
      | 'dependsOn'
      | 'schedule'
      | 'watch'
      | 'incrementVar'
    >
  > {
  name?: string;
  script: string;
  args?: string[];
  interpreter?: string;
  /** Arguments of the interpreter, before the script (`--node-args`). */
  interpreterArgs?: string[];
  /** Relative to `baseDir`. */
  cwd?: string;
  env?: Record<string, string>;
  instances?: number;
  stop?: Partial<StopPolicy>;
  recovery?: Partial<RecoveryPolicy>;
  limits?: LimitsSpec;
  /** Complete probes (defaults already applied by the caller). */
  health?: ProbeSpec[];
  logs?: Partial<LogSpec>;
  pool?: PoolSpec;
  monitoring?: Partial<MonitoringSpec>;
  /** Already resolved (run-as.ts): the user may not exist where the spec is built in tests. */
  runAs?: RunAsSpec;
}

export interface BuildContext {
  /** The CLI's working directory, or the config file's directory. */
  baseDir: string;
  /** The environment the app inherits. */
  baseEnv: Record<string, string>;
}

/** Why `name` cannot name an app, or null: a target word, an id, or characters a name cannot have. */
function whyNotAppName(name: string): string | null {
  if (APP_NAME_PATTERN.test(name)) return null;
  if (name === 'all') return 'is a reserved word (`all` targets every app): choose another name';
  if (/^\d+$/.test(name)) return 'looks like an instance id: a name needs a character other than a digit';
  return 'is not a valid app name: use letters, digits, "_", "-" and "." (at most 64), starting with a letter, digit or "_"';
}

export function buildAppSpec(input: AppInput, context: BuildContext): AppSpec {
  const name = input.name ?? defaultAppName(input.script);
  const refused = whyNotAppName(name);
  if (refused) throw new PmError('bad-request', `${quoteText(name, 80)} ${refused}`);
  const instances = input.instances ?? 1;
  if (!Number.isInteger(instances) || instances < 0 || instances > 10_000) {
    throw new PmError('bad-request', `instances must be a whole number from 0 to 10000, found ${instances}`);
  }
  const cwd = path.resolve(context.baseDir, input.cwd ?? '.');
  const run = resolveRun({
    script: input.script,
    args: input.args ?? [],
    cwd,
    interpreter: input.interpreter,
    interpreterArgs: input.interpreterArgs,
  });
  return {
    name,
    run,
    cwd,
    env: input.env ?? {},
    baseEnv: context.baseEnv,
    instances,
    stop: { ...DEFAULT_STOP, ...input.stop },
    recovery: { ...DEFAULT_RECOVERY, ...input.recovery },
    limits: input.limits ?? {},
    health: input.health ?? [],
    logs: { ...DEFAULT_LOGS, ...input.logs },
    ...(input.pool ? { pool: input.pool } : {}),
    monitoring: { ...DEFAULT_MONITORING, ...input.monitoring },
    ...(input.source ? { source: input.source } : {}),
    // Absent unless given (env_inherit: true is the default), so that a definition without them
    // compares equal to one saved before they existed.
    ...(input.runAs && { runAs: input.runAs }),
    ...(input.umask !== undefined && { umask: input.umask }),
    ...(input.rlimits && Object.keys(input.rlimits).length > 0 && { rlimits: input.rlimits }),
    ...(input.envInherit === false && { envInherit: false }),
    ...(input.listen && input.listen.length > 0 && { listen: input.listen }),
    ...(input.listenTimeoutMs !== undefined && { listenTimeoutMs: input.listenTimeoutMs }),
    ...(input.waitReady && { waitReady: true }),
    ...(input.type === 'task' && { type: 'task' as const }),
    ...(input.dependsOn && input.dependsOn.length > 0 && { dependsOn: input.dependsOn }),
    ...(input.schedule && { schedule: input.schedule }),
    ...(input.watch && { watch: input.watch }),
    ...(input.incrementVar !== undefined && { incrementVar: input.incrementVar }),
  };
}

/** The calling process's environment as plain strings. */
export function currentEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  return env;
}
