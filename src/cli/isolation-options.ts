// The user, umask, rlimit, environment and cgroup-limit options of `pm start`, checked by the same
// fields as a config file's user:, umask:, rlimits:, env_inherit: and limits: keys, and resolved by
// the same functions (a user that does not exist, a pm that is not root, an rlimit above the hard one).
import { type Command, InvalidArgumentError } from 'commander';
import type { AppInput } from '../config/app-spec/build-app-spec.js';
import { checkRlimits, readHardLimits } from '../config/app-spec/rlimits.js';
import { type RunAsProblem, resolveRunAs } from '../config/app-spec/run-as.js';
import { checkOption } from '../config/file/check-value.js';
import { APP_FIELDS } from '../config/file/config-format.js';
import type { LimitsSpec, RlimitsSpec } from '../protocol/app-spec.js';
import { PmError } from '../protocol/errors.js';
import { fieldOption } from './options.js';

const LIMITS = APP_FIELDS.limits.keys;
const RLIMITS = APP_FIELDS.rlimits.keys;

export interface IsolationOptions {
  user?: string | number;
  group?: string | number;
  umask?: number;
  /** undefined unless --env-inherit or --no-env-inherit is given. */
  envInherit?: boolean;
  rlimit?: RlimitsSpec;
  hardMemory?: number;
  cpu?: number;
  maxProcs?: number;
  maxFds?: number;
  bestEffort?: boolean;
}

/** `--rlimit nofile=4096` (repeatable), each value checked as the config's `rlimits.<name>:`. */
function rlimitOption(value: string, previous: RlimitsSpec = {}): RlimitsSpec {
  const eq = value.indexOf('=');
  const name = value.slice(0, eq);
  if (eq <= 0 || !Object.hasOwn(RLIMITS, name)) {
    throw new InvalidArgumentError(`expected NAME=VALUE with NAME one of ${Object.keys(RLIMITS).join(', ')}`);
  }
  const read = checkOption(RLIMITS[name as keyof typeof RLIMITS], value.slice(eq + 1));
  if ('error' in read) throw new InvalidArgumentError(`${name}: ${read.error}`);
  return { ...previous, [name]: read.value as number };
}

export function addIsolationOptions(command: Command): Command {
  return command
    .option(
      '--user <name|uid>',
      'run as this user, with its primary group (pm must run as root)',
      fieldOption(APP_FIELDS.user),
    )
    .option(
      '--group <name|gid>',
      "run with this group; alone, as pm's own user (pm must run as root)",
      fieldOption(APP_FIELDS.group),
    )
    .option(
      '--umask <octal>',
      "file mode creation mask of the app's processes (e.g. 027)",
      fieldOption(APP_FIELDS.umask),
    )
    .option(
      '--rlimit <name=value>',
      'set a resource limit of the app: nofile, nproc, core or memlock (repeatable; e.g. nofile=4096, core=0)',
      rlimitOption,
    )
    .option('--env-inherit', "inherit this shell's environment (the default)")
    .option('--no-env-inherit', 'a clean environment instead: PATH, HOME, USER, LANG, --env and PM_* only')
    .option(
      '--hard-memory <size>',
      "memory ceiling of the instance's cgroup, enforced by the kernel (e.g. 512M)",
      fieldOption(LIMITS.hard_memory),
    )
    .option(
      '--cpu <cores>',
      'CPU time the instance may use, in cores (e.g. 0.5 or 2)',
      fieldOption(LIMITS.cpu),
    )
    .option(
      '--max-procs <count>',
      'processes and threads the instance may have at once (cgroup pids limit)',
      fieldOption(LIMITS.max_procs),
    )
    .option(
      '--max-fds <count>',
      'alert when an instance has more open file descriptors',
      fieldOption(LIMITS.max_fds),
    )
    .option(
      '--best-effort',
      'apply limits the host cannot enforce as far as it can, instead of refusing them',
    );
}

/**
 * The isolation parts of the app the options define, resolved here (before any daemon is
 * reached): an unknown user or a pm that is not root defines nothing.
 */
export function isolationInput(
  options: IsolationOptions,
): Pick<AppInput, 'runAs' | 'umask' | 'rlimits' | 'envInherit'> & { limits: LimitsSpec } {
  const resolved = resolveRunAs({ user: options.user, group: options.group });
  if ('problems' in resolved) {
    const [{ key, message }] = resolved.problems as [RunAsProblem];
    throw new PmError('bad-request', `--${key} ${options[key]}: ${message}`);
  }
  const rlimits = options.rlimit;
  const [over] = rlimits ? checkRlimits(rlimits, readHardLimits()) : [];
  if (over) throw new PmError('bad-request', `--rlimit ${over.key}: ${over.message}`);
  const limits: LimitsSpec = {
    ...(options.hardMemory !== undefined && { hardMemoryBytes: options.hardMemory }),
    ...(options.cpu !== undefined && { cpu: options.cpu }),
    ...(options.maxProcs !== undefined && { maxProcs: options.maxProcs }),
    ...(options.maxFds !== undefined && { maxFds: options.maxFds }),
    ...(options.bestEffort !== undefined && { bestEffort: options.bestEffort }),
  };
  return {
    ...(resolved.runAs && { runAs: resolved.runAs }),
    ...(options.umask !== undefined && { umask: options.umask }),
    ...(rlimits && { rlimits }),
    ...(options.envInherit !== undefined && { envInherit: options.envInherit }),
    limits,
  };
}
