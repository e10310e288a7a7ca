// The CLI entry: registers the commands and maps errors to exit codes (0 ok, 1 user error,
// 2 daemon/internal error). The only place that decides how the process exits.
import { Command, CommanderError } from 'commander';
import { PmError } from '../protocol/errors.js';
import { packageVersion } from '../protocol/version.js';
import { registerDaemon } from './commands/daemon.js';
import { registerDescribe } from './commands/describe.js';
import { registerEvents } from './commands/events.js';
import { registerFlush } from './commands/flush.js';
import { registerInit } from './commands/init.js';
import { registerLifecycle } from './commands/lifecycle.js';
import { registerList } from './commands/list.js';
import { registerLogs } from './commands/logs.js';
import { registerMetrics } from './commands/metrics.js';
import { registerReset } from './commands/reset.js';
import { registerResurrect } from './commands/resurrect.js';
import { registerSave } from './commands/save.js';
import { registerScale } from './commands/scale.js';
import { registerStart } from './commands/start.js';
import { registerStartup } from './commands/startup.js';
import { registerTop } from './commands/top.js';
import { registerUpdate } from './commands/update.js';
import { registerValidate } from './commands/validate.js';

function buildProgram(): Command {
  const program = new Command('pm')
    .description('a process manager: start, watch, restart and scale processes through a background daemon')
    .version(packageVersion(), '-v, --version')
    .showHelpAfterError('(run `pm <command> --help` for usage)')
    .exitOverride();
  registerStart(program);
  registerLifecycle(program);
  registerReset(program);
  registerScale(program);
  registerList(program);
  registerDescribe(program);
  registerLogs(program);
  registerFlush(program);
  registerEvents(program);
  registerTop(program);
  registerMetrics(program);
  registerDaemon(program);
  registerUpdate(program);
  registerValidate(program);
  registerSave(program);
  registerResurrect(program);
  registerStartup(program);
  registerInit(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
  if (error instanceof PmError) {
    process.stderr.write(`pm: ${error.message}\n`);
    return error.isUserError ? 1 : 2;
  }
  process.stderr.write(`pm: internal error: ${(error as Error)?.stack ?? error}\n`);
  return 2;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    process.exitCode = exitCodeOf(error);
  }
}
