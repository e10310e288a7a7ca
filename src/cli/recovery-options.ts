// The restart, health-probe and limit options of `pm start`, and the parts of an app definition
// they make: the same RecoveryPolicy, ProbeSpec and LimitsSpec a config file's recovery:, health:
// and limits: produce (probes go through the config's own toProbe).
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { AppInput } from '../config/app-spec/build-app-spec.js';
import { DEFAULT_PROBE } from '../config/defaults.js';
import { APP_FIELDS, PROBE_FIELDS } from '../config/file/config-format.js';
import { toProbe } from '../config/file/to-probes.js';
import type { ProbeSpec, RecoveryPolicy } from '../protocol/app-spec.js';
import { PmError } from '../protocol/errors.js';
import { countOption, fieldOption } from './options.js';

const RECOVERY = APP_FIELDS.recovery.keys;

export interface RecoveryOptions {
  maxRestarts?: number;
  restartDelay?: number;
  minUptime?: number;
  backoff?: number;
  /** false with --no-autorestart. */
  autorestart: boolean;
  restartMode?: RecoveryPolicy['autoRestart'];
  stopExitCodes?: number[];
  retryAfter?: number;
  maxMemory?: number;
  healthHttp?: string;
  healthTcp?: string;
  healthCmd?: string;
  healthInterval?: number;
  healthTimeout?: number;
  healthThreshold?: number;
  healthStartPeriod?: number;
}

function exitCodesOption(value: string): number[] {
  const codes = value.split(',').map((code) => code.trim());
  if (codes.some((code) => !/^\d+$/.test(code) || Number(code) > 255)) {
    throw new InvalidArgumentError('expected exit codes from 0 to 255, separated by commas (e.g. 0,3)');
  }
  return codes.map(Number);
}

function retryAfterOption(value: string): number {
  return value === 'never' ? 0 : fieldOption<number>(RECOVERY.retry_after)(value);
}

function tcpOption(value: string): string {
  if (!/^(\S+:)?\d+$/.test(value)) throw new InvalidArgumentError('expected PORT or HOST:PORT');
  return value;
}

export function addRecoveryOptions(command: Command): Command {
  return command
    .option(
      '--max-restarts <count>',
      'give up after this many restarts within a minute (default 15)',
      countOption,
    )
    .option(
      '--restart-delay <duration>',
      'wait before restarting a crashed instance (default 0)',
      fieldOption(RECOVERY.restart_delay),
    )
    .option(
      '--min-uptime <duration>',
      'a run shorter than this counts as a crash loop (default 1s)',
      fieldOption(RECOVERY.min_uptime),
    )
    .option(
      '--backoff <duration>',
      'cap of the exponential backoff between crash-loop restarts (default 30s; 0 turns it off)',
      fieldOption(RECOVERY.backoff),
    )
    .option('--no-autorestart', 'do not restart when the process exits')
    .addOption(
      new Option(
        '--restart-mode <mode>',
        'restart on any exit, only on failure (non-zero code or signal), or never',
      ).choices(['always', 'on-failure', 'never']),
    )
    .option(
      '--stop-exit-codes <codes>',
      'exit codes that mean "done": never restarted (e.g. 0,3)',
      exitCodesOption,
    )
    .option(
      '--retry-after <duration>',
      'after giving up on a crash loop, try again this long later with a fresh count (default 5m; never)',
      retryAfterOption,
    )
    .option(
      '--max-memory <size>',
      'restart when the process tree uses more memory (e.g. 300M; at least 1M)',
      fieldOption(APP_FIELDS.limits.keys.max_memory),
    )
    .option(
      '--health-http <url>',
      'liveness probe: GET this http:// or https:// URL, 2xx/3xx passes',
      fieldOption(PROBE_FIELDS.http),
    )
    .option(
      '--health-tcp <[host:]port>',
      'liveness probe: connect to this port (127.0.0.1 by default)',
      tcpOption,
    )
    .option('--health-cmd <command>', 'liveness probe: run this shell command, exit code 0 passes')
    .option(
      '--health-interval <duration>',
      'time between probes (default 30s; at least 100ms)',
      fieldOption(PROBE_FIELDS.interval),
    )
    .option(
      '--health-timeout <duration>',
      'a probe slower than this fails (default 2s; at least 100ms)',
      fieldOption(PROBE_FIELDS.timeout),
    )
    .option('--health-threshold <count>', 'consecutive failures before a restart (default 3)', countOption)
    .option(
      '--health-start-period <duration>',
      'failures this early in a run do not count (default 0)',
      fieldOption(PROBE_FIELDS.start_period),
    );
}

function toRecovery(options: RecoveryOptions): Partial<RecoveryPolicy> {
  return {
    ...(options.maxRestarts !== undefined && { maxRestarts: options.maxRestarts }),
    ...(options.restartDelay !== undefined && { restartDelayMs: options.restartDelay }),
    ...(options.minUptime !== undefined && { minUptimeMs: options.minUptime }),
    ...(options.backoff !== undefined && { backoffMaxMs: options.backoff }),
    ...(options.restartMode !== undefined && { autoRestart: options.restartMode }),
    ...(!options.autorestart && { autoRestart: 'never' as const }),
    ...(options.stopExitCodes !== undefined && { stopExitCodes: options.stopExitCodes }),
    ...(options.retryAfter !== undefined && { retryAfterMs: options.retryAfter }),
  };
}

function toProbes(options: RecoveryOptions): ProbeSpec[] {
  const timing = {
    interval: options.healthInterval,
    timeout: options.healthTimeout,
    failure_threshold: options.healthThreshold,
    start_period: options.healthStartPeriod,
  };
  const tcp = options.healthTcp;
  const entries = [
    ...(options.healthHttp !== undefined ? [{ http: options.healthHttp }] : []),
    ...(tcp !== undefined ? [{ tcp: /^\d+$/.test(tcp) ? Number(tcp) : tcp }] : []),
    ...(options.healthCmd !== undefined ? [{ exec: options.healthCmd }] : []),
  ];
  if (entries.length === 0 && Object.values(timing).some((value) => value !== undefined)) {
    throw new PmError(
      'bad-request',
      '--health-interval and the like need a probe: add --health-http, --health-tcp or --health-cmd',
    );
  }
  return entries.map((entry) => {
    const probe = toProbe({ ...entry, ...timing }, DEFAULT_PROBE.intervalMs);
    if (typeof probe === 'string') throw new PmError('bad-request', `--health-tcp ${tcp}: ${probe}`);
    return probe;
  });
}

/** The recovery, health and limits parts of the app the options define. */
export function recoveryInput(options: RecoveryOptions): Pick<AppInput, 'recovery' | 'health' | 'limits'> {
  return {
    recovery: toRecovery(options),
    health: toProbes(options),
    limits: options.maxMemory !== undefined ? { maxMemoryBytes: options.maxMemory } : {},
  };
}
