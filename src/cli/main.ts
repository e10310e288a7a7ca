// The CLI entry: registers the commands and maps errors to exit codes (0 ok, 1 user error,
// 2 daemon/internal error). The only place that decides how the process exits.
import { Command, CommanderError } from 'commander';
import { packageVersion } from '../installed-package.js';
import { PmError } from '../protocol/errors.js';
import { escapeText } from '../protocol/escape-text.js';

type Register = (program: Command) => void;

// Each command module, by the words that select it. Only the module of the command being run is
// loaded (help and unknown words load them all): the start-up path stays short for `pm list`.
const COMMANDS: Array<{ words: string[]; load: () => Promise<Register> }> = [
  { words: ['start'], load: async () => (await import('./commands/start.js')).registerStart },
  {
    words: ['stop', 'restart', 'delete', 'del', 'pause', 'resume'],
    load: async () => (await import('./commands/lifecycle.js')).registerLifecycle,
  },
  { words: ['reload'], load: async () => (await import('./commands/reload.js')).registerReload },
  { words: ['run'], load: async () => (await import('./commands/run.js')).registerRun },
  { words: ['reset'], load: async () => (await import('./commands/reset.js')).registerReset },
  { words: ['scale'], load: async () => (await import('./commands/scale.js')).registerScale },
  { words: ['list', 'ls', 'status'], load: async () => (await import('./commands/list.js')).registerList },
  {
    words: ['describe', 'show'],
    load: async () => (await import('./commands/describe.js')).registerDescribe,
  },
  { words: ['logs'], load: async () => (await import('./commands/logs.js')).registerLogs },
  { words: ['flush'], load: async () => (await import('./commands/flush.js')).registerFlush },
  { words: ['events'], load: async () => (await import('./commands/events.js')).registerEvents },
  { words: ['top', 'monit'], load: async () => (await import('./commands/top.js')).registerTop },
  { words: ['metrics'], load: async () => (await import('./commands/metrics.js')).registerMetrics },
  { words: ['ping', 'kill'], load: async () => (await import('./commands/daemon.js')).registerDaemon },
  { words: ['update'], load: async () => (await import('./commands/update.js')).registerUpdate },
  { words: ['validate'], load: async () => (await import('./commands/validate.js')).registerValidate },
  { words: ['save'], load: async () => (await import('./commands/save.js')).registerSave },
  { words: ['resurrect'], load: async () => (await import('./commands/resurrect.js')).registerResurrect },
  {
    words: ['startup', 'unstartup'],
    load: async () => (await import('./commands/startup.js')).registerStartup,
  },
  { words: ['init'], load: async () => (await import('./commands/init.js')).registerInit },
  {
    words: ['completion'],
    load: async () => (await import('./commands/completion.js')).registerCompletion,
  },
  { words: ['import'], load: async () => (await import('./commands/import.js')).registerImport },
  { words: ['export'], load: async () => (await import('./commands/export.js')).registerExport },
];

/** Every command word (aliases too), for shell completion. */
export const commandWords = (): string[] => COMMANDS.flatMap((c) => c.words).sort();

async function buildProgram(word: string | undefined): Promise<Command> {
  const program = new Command('pm')
    .description('a process manager: start, watch, restart and scale processes through a background daemon')
    .version(packageVersion(), '-v, --version')
    .showHelpAfterError('(run `pm <command> --help` for usage)')
    // Commander quotes the words it refuses (an unknown command or option) as they were typed.
    .configureOutput({ writeErr: (text) => process.stderr.write(escapeText(text, '\n')) })
    .exitOverride();
  const selected = COMMANDS.filter((c) => word !== undefined && c.words.includes(word));
  const option = word?.startsWith('-') && !['-h', '--help'].includes(word);
  for (const entry of selected.length > 0 ? selected : option ? [] : COMMANDS) (await entry.load())(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
  if (error instanceof PmError) {
    process.stderr.write(`pm: ${escapeText(error.message, '\n')}\n`);
    return error.isUserError ? 1 : 2;
  }
  process.stderr.write(`pm: internal error: ${escapeText(String((error as Error)?.stack ?? error), '\n')}\n`);
  return 2;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await (await buildProgram(argv[2])).parseAsync(argv);
  } catch (error) {
    process.exitCode = exitCodeOf(error);
  }
}
