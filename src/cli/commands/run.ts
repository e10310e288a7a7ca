// `pm run <app>`: start an app (a task, typically), print its output as it runs (stdout to stdout,
// stderr to stderr), and exit with its exit code once its run ends: the command a CI step calls.
import { constants } from 'node:os';
import type { Command } from 'commander';
import type { ProcessInfo } from '../../protocol/process-info.js';
import { parseTarget } from '../../protocol/target.js';
import { withDaemon } from '../session.js';

const POLL_MS = 100;
/** After the run ended, the lines it wrote last are still on their way from its pipes. */
const LAST_LINES_MS = 300;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The run started at `since` is over: it ended, or could not start. */
const ended = (p: ProcessInfo, since: number) =>
  p.status === 'errored' ||
  (p.pid === null && p.status !== 'waiting-restart' && (p.lastExit?.at ?? 0) >= since);

/** As a shell reports it: the code, or 128 + the signal's number; 1 when it could not start. */
function exitCodeOf(p: ProcessInfo): number {
  const exit = p.lastExit;
  if (p.status === 'completed') return 0;
  if (!exit || (p.status === 'errored' && exit.code === null && exit.signal === null)) return 1;
  if (exit.signal) return 128 + (constants.signals[exit.signal as NodeJS.Signals] ?? 0);
  return exit.code ?? 1;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('start an app (a task), print its output, and exit with its exit code when its run ends')
    .argument('<app>', 'app name, id or name:index')
    .action(async (text: string) => {
      const target = parseTarget(text);
      const code = await withDaemon(async (client) => {
        const since = Date.now();
        // Its failure (an unknown app) is the start's to report: caught here, never unhandled.
        const output = client
          .stream({ type: 'logs', target, lines: 0, follow: true, streams: ['out', 'err'] }, (line) =>
            (line.stream === 'err' ? process.stderr : process.stdout).write(`${line.line}\n`),
          )
          .catch(() => {});
        const ids = new Set((await client.request({ type: 'start', target })).map((p) => p.id));
        for (;;) {
          const runs = (await client.request({ type: 'list' })).filter((p) => ids.has(p.id));
          if (runs.every((p) => ended(p, since))) {
            await sleep(LAST_LINES_MS);
            client.close();
            await output;
            return Math.max(0, ...runs.map(exitCodeOf));
          }
          await sleep(POLL_MS);
        }
      });
      process.exitCode = code;
    });
}
