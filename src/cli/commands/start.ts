// `pm start <script|command|app|config>`: define and start a new app, start an existing one by
// target, or apply a config file (start what is missing, restart what changed).
import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { buildAppSpec, currentEnv } from '../../config/app-spec/build-app-spec.js';
import { checkCwd, checkProgram } from '../../config/app-spec/check-run.js';
import { DEFAULT_WATCH_DELAY_MS, DEFAULT_WATCH_IGNORE } from '../../config/defaults.js';
import { APP_FIELDS } from '../../config/file/config-format.js';
import { isConfigPath } from '../../config/file/config-path.js';
import { ECOSYSTEM_MESSAGE, isPm2Ecosystem } from '../../config/file/pm2-ecosystem.js';
import { parseSize } from '../../config/units.js';
import { parseListenEntry } from '../../listen/listen-address.js';
import type { AlertingSpec, AppSpec, ListenAddress, LogSpec, StopSignal } from '../../protocol/app-spec.js';
import { PmError } from '../../protocol/errors.js';
import { parseTarget, type Target } from '../../protocol/target.js';
import { applyInBatches } from '../apply-batches.js';
import type { DaemonClient } from '../daemon-client.js';
import { addIsolationOptions, type IsolationOptions, isolationInput } from '../isolation-options.js';
import { countOption, envOption, fieldOption, instancesOption, signalOption } from '../options.js';
import { describeSettings } from '../output/settings-text.js';
import { printChanges, printSummary } from '../output/summary.js';
import { printWarnings } from '../output/warnings.js';
import { addRecoveryOptions, type RecoveryOptions, recoveryInput } from '../recovery-options.js';
import { failCommand, withDaemon } from '../session.js';
import { settle, settleTime } from '../settle.js';
import { waitFlag, waitTimeout, waitUntilReady } from '../wait-ready.js';

/** `--env KEY=VALUE` (repeatable) for a script; `--env production` picks a config file's profile. */
interface EnvOption {
  vars: Record<string, string>;
  profile?: string;
}

interface StartOptions extends RecoveryOptions, IsolationOptions {
  name?: string;
  instances?: number;
  cwd?: string;
  env?: EnvOption;
  only?: string;
  interpreter?: string;
  nodeArgs?: string;
  killTimeout?: number;
  stopSignal?: StopSignal;
  alertWebhook?: string;
  alertCommand?: string;
  logMaxSize?: number;
  logMaxFiles?: number;
  listen?: ListenAddress[];
  listenTimeout?: number;
  watch?: boolean;
  waitReady?: boolean;
  json?: boolean;
  /** A config replaces apps of the same names defined elsewhere. */
  force?: boolean;
  /** false with --no-wait (no start-up check); with --wait [timeout], until every instance is ready. */
  wait?: boolean | number;
}

// Log rotation of an app defined on the command line; PM_LOG_MAX_SIZE sets the size for a whole
// session (benchmarks and harnesses that cannot pass options).
function logsInput(options: StartOptions): { logs?: Partial<LogSpec> } {
  const fromEnv = process.env.PM_LOG_MAX_SIZE;
  const envSize = fromEnv === undefined ? undefined : parseSize(fromEnv);
  if (fromEnv !== undefined && envSize === undefined) {
    throw new PmError('bad-request', `PM_LOG_MAX_SIZE=${fromEnv} is not a size: use e.g. 50M or 1G`);
  }
  const maxSizeBytes = options.logMaxSize ?? envSize;
  const logs: Partial<LogSpec> = {
    ...(maxSizeBytes !== undefined && { maxSizeBytes }),
    ...(options.logMaxFiles !== undefined && { maxFiles: options.logMaxFiles }),
  };
  return Object.keys(logs).length > 0 ? { logs } : {};
}

function envOrProfileOption(value: string, previous?: EnvOption): EnvOption {
  if (value.includes('=')) return { ...previous, vars: envOption(value, previous?.vars) };
  if (!/^[A-Za-z0-9_-]+$/.test(value)) {
    throw new InvalidArgumentError('expected KEY=VALUE, or with a config file the name of a profile');
  }
  return { vars: previous?.vars ?? {}, profile: value };
}

/** The options that define a single app: set in the file instead when starting a config. */
function singleAppOptions(options: StartOptions): string[] {
  const shared = ['env', 'only', 'json', 'autorestart', 'wait', 'force'];
  const flags = Object.keys(options).filter((key) => !shared.includes(key));
  if (!options.autorestart) flags.push('noAutorestart');
  if (options.envInherit === false) flags.splice(flags.indexOf('envInherit'), 1, 'noEnvInherit');
  if (Object.keys(options.env?.vars ?? {}).length > 0) flags.push('env KEY=VALUE');
  return flags.map((key) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
}

/** Apply every app of a config file (or those of --only) in one request: the daemon reconciles. */
async function startConfig(file: string, args: string[], options: StartOptions): Promise<void> {
  const misplaced = [
    ...singleAppOptions(options),
    ...(args.length > 0 ? [`arguments (${args.join(' ')})`] : []),
  ];
  if (misplaced.length > 0) {
    throw new PmError(
      'bad-request',
      `${misplaced.join(', ')}: not used with a config file; set them for each app in ${file}`,
    );
  }
  const only = options.only?.split(',').filter(Boolean);
  // The YAML loader only for a config file: starting a script stays light.
  const { loadConfig } = await import('../../config/file/load-config.js');
  const { apps, settings, warnings } = loadConfig(file, { profile: options.env?.profile, only });
  printWarnings(warnings);
  const hasSettings = Object.keys(settings).length > 0;
  if (apps.length === 0 && !hasSettings) {
    process.stdout.write(`${file} defines no apps: nothing to start\n`);
    return;
  }
  // The daemon-wide settings go with every apply of the file, also with --only: they are the file's.
  const infos = await withDaemon(async (client) => {
    const applied = await applyInBatches(client, apps, hasSettings ? settings : undefined, {
      force: options.force === true,
    });
    if (!options.json) printChanges(applied.changes);
    return waitUntilReady(client, applied.instances, waitTimeout(options.wait));
  });
  printSummary(infos, { json: Boolean(options.json) });
  if (apps.length === 0 && !options.json) {
    process.stdout.write(
      `${file} defines no apps: daemon settings applied (${describeSettings(settings)})\n`,
    );
  }
}

/** `--alert-webhook`/`--alert-command`: where this app's alerts go besides the event log. */
function alertingInput(options: StartOptions): { monitoring?: { alerting: AlertingSpec } } {
  if (options.alertWebhook === undefined && options.alertCommand === undefined) return {};
  return {
    monitoring: {
      alerting: {
        ...(options.alertWebhook !== undefined && { webhook: options.alertWebhook }),
        ...(options.alertCommand !== undefined && { command: options.alertCommand }),
      },
    },
  };
}

function listenOption(value: string, previous: ListenAddress[] = []): ListenAddress[] {
  const parsed = parseListenEntry(value);
  if (!parsed.ok) throw new InvalidArgumentError(parsed.message);
  return [...previous, parsed.address];
}

function webhookOption(value: string): string {
  if (!/^https?:\/\/\S+$/.test(value)) throw new InvalidArgumentError('expected an http:// or https:// URL');
  return value;
}

/** A bare word that could name an existing app. */
function asTarget(script: string): Target | null {
  if (/\s|\//.test(script)) return null;
  try {
    return parseTarget(script);
  } catch {
    return null;
  }
}

/** Options or arguments that only a new app definition can take. */
function definesApp(args: string[], options: StartOptions): boolean {
  return (
    args.length > 0 ||
    Object.keys(options).some((key) => !['autorestart', 'json', 'wait'].includes(key)) ||
    !options.autorestart
  );
}

// `pm start web -i 2` for an existing app `web` would otherwise redefine it as the command `web`,
// which does not exist: the running app would be stopped and left errored.
async function refuseRedefining(client: DaemonClient, word: Target | null, options: StartOptions) {
  if (word?.kind !== 'name' || options.name !== undefined) return;
  const existing = await client.request({ type: 'list' });
  if (!existing.some((p) => p.name === word.name)) return;
  throw new PmError(
    'bad-request',
    `"${word.name}" is an existing app, and options or arguments only define new apps: use \`pm scale ${word.name} N\` to change its instances, or add --name ${word.name} to redefine it from the command "${word.name}"`,
  );
}

/** A cwd or a program that does not exist: refused here, so that no errored app is left defined. */
function refuseUnrunnable(spec: AppSpec, options: StartOptions): void {
  const badCwd = checkCwd(spec.cwd);
  if (badCwd) throw new PmError('bad-request', `--cwd ${options.cwd ?? spec.cwd}: ${badCwd}`);
  const badProgram = checkProgram(spec);
  if (badProgram) throw new PmError('bad-request', `${badProgram}: nothing was started`);
}

async function start(script: string, args: string[], options: StartOptions): Promise<void> {
  if (isConfigPath(script)) return startConfig(script, args, options);
  if (isPm2Ecosystem(script, path.resolve(options.cwd ?? '.'))) {
    throw new PmError('bad-request', `${script}: ${ECOSYSTEM_MESSAGE}`);
  }
  if (options.env?.profile !== undefined || options.only !== undefined) {
    const given = options.only !== undefined ? `--only ${options.only}` : `--env ${options.env?.profile}`;
    throw new PmError(
      'bad-request',
      `${given}: works only with a config file; for a variable write --env KEY=VALUE`,
    );
  }
  const word = asTarget(script);
  const target = definesApp(args, options) ? null : word;
  // Before any daemon is reached: an unknown user or a pm that is not root defines nothing.
  const isolation = isolationInput(options);
  let exits: string[] = [];
  const infos = await withDaemon(async (client) => {
    if (!target) {
      await refuseRedefining(client, word, options);
    } else {
      try {
        const started = await client.request({ type: 'start', target });
        return waitUntilReady(client, started, waitTimeout(options.wait));
      } catch (error) {
        // Not an app we know: treat the word as a command to run (`pm start sleep -- 60`).
        if (!(error instanceof PmError && error.code === 'not-found' && target.kind === 'name')) throw error;
      }
    }
    const recovery = recoveryInput(options);
    const spec = buildAppSpec(
      {
        script,
        args,
        name: options.name,
        instances: options.instances,
        cwd: options.cwd,
        env: options.env?.vars,
        interpreter: options.interpreter,
        interpreterArgs: options.nodeArgs?.split(/\s+/).filter(Boolean),
        stop: {
          ...(options.killTimeout !== undefined && { killTimeoutMs: options.killTimeout }),
          ...(options.stopSignal !== undefined && { signal: options.stopSignal }),
        },
        ...recovery,
        ...isolation,
        limits: { ...recovery.limits, ...isolation.limits },
        ...alertingInput(options),
        ...logsInput(options),
        listen: options.listen,
        listenTimeoutMs: options.listenTimeout,
        waitReady: options.waitReady,
        ...(options.watch && {
          watch: { paths: [], ignore: DEFAULT_WATCH_IGNORE, delayMs: DEFAULT_WATCH_DELAY_MS },
        }),
      },
      { baseDir: process.cwd(), baseEnv: currentEnv() },
    );
    refuseUnrunnable(spec, options);
    const { instances: started } = await applyInBatches(client, [spec]);
    const wait = options.wait !== false ? settleTime(spec.recovery.minUptimeMs) : 0;
    exits = await settle(client, started, wait);
    return exits.length === 0 ? waitUntilReady(client, started, waitTimeout(options.wait)) : started;
  });
  printSummary(infos, { json: Boolean(options.json) });
  for (const exit of exits) failCommand(exit);
}

export function registerStart(program: Command): void {
  const command = program
    .command('start')
    .description(
      'start a script or command as a new app, or start an existing app (name, id, name:index, all)',
    )
    .argument(
      '<script|command|target|config>',
      'a .js/.mjs/.cjs script (run with node), an executable, a shell command, an app, or a config file (.yaml)',
    )
    .argument('[args...]', 'arguments for the script, after --')
    .option('-n, --name <name>', 'app name (default: the script name)')
    .option(
      '-i, --instances <count>',
      'number of instances; 0 or max: one per CPU; -1: one per CPU but one',
      instancesOption,
    )
    .option('--cwd <dir>', 'working directory (default: the current one)')
    .option(
      '-e, --env <KEY=VALUE|profile>',
      'environment variable (repeatable); with a config file, the env_<profile>: to use',
      envOrProfileOption,
    )
    .option('--only <apps>', 'with a config file: only these apps (comma-separated)')
    .option(
      '--force',
      'with a config file: replace apps of the same names started from the command line or another file',
    )
    .option('--interpreter <program>', 'run the script with this program (`none`: execute it directly)')
    .option(
      '--node-args <args>',
      'arguments of the interpreter (node), before the script: "--max-old-space-size=512"',
    )
    .option(
      '--kill-timeout <duration>',
      'wait this long after the stop signal before SIGKILL (default 5s)',
      fieldOption(APP_FIELDS.stop.keys.kill_timeout),
    )
    .option('--stop-signal <signal>', 'signal sent to stop (default SIGTERM)', signalOption)
    .option(
      '--log-max-size <size>',
      'rotate a log file past this size (default 10M, or $PM_LOG_MAX_SIZE)',
      fieldOption(APP_FIELDS.logs.keys.max_size),
    )
    .option('--log-max-files <count>', 'rotated log files kept per stream (default 5)', countOption)
    .option(
      '--alert-webhook <url>',
      'POST alerts of this app (errored, unhealthy, ...) as JSON to this URL',
      webhookOption,
    )
    .option(
      '--alert-command <command>',
      'run this shell command for each alert (event in PM_EVENT_* and on stdin)',
    )
    .option(
      '--listen <port|host:port>',
      'the daemon listens here and its instances share the socket, as fd 3, 4, … (repeatable)',
      listenOption,
    )
    .option(
      '--listen-timeout <duration>',
      'how long a replacement of `pm reload` has to be ready (default 3s)',
      fieldOption(APP_FIELDS.listen_timeout),
    )
    .option('--wait-ready', 'a replacement of `pm reload` must say it is ready (on PM_READY_FD)')
    .option('--watch', 'restart when a file below the working directory changes (not node_modules, .git)');
  addIsolationOptions(addRecoveryOptions(command))
    .option(
      '--no-wait',
      'a new app: do not wait up to 1s (its min uptime) to report an exit at start-up ($PM_START_WAIT=0)',
    )
    .addOption(waitFlag())
    .option('--json', 'print the started instances as JSON')
    .action(start);
}
