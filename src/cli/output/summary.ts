// One line per affected instance after a lifecycle command: terse, greppable, no table.
import type { ProcessInfo } from '../../protocol/process-info.js';
import { failCommand } from '../session.js';

/** `startsRuns: false` (stop, delete, pause, resume): an instance already errored is not this
 * command's failure, and the command exits 0. */
export function printSummary(infos: ProcessInfo[], options: { json: boolean; startsRuns?: boolean }): void {
  if (options.json) {
    process.stdout.write(`${JSON.stringify(infos, null, 2)}\n`);
  } else {
    const lines = infos.map((p) => {
      const pid = p.pid === null ? '' : ` pid ${p.pid}`;
      const reason = p.reason ? ` (${p.reason})` : '';
      return `${p.name}:${p.index} [${p.id}] ${p.status}${pid}${reason}`;
    });
    if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (options.startsRuns === false) return;
  for (const p of infos) if (p.status === 'errored') failCommand(`${p.name}:${p.index} errored: ${p.reason}`);
}

/** What applying a config did to each app, and why: `web: restarted (env changed)`. */
export function printChanges(changes: ReadonlyArray<{ app: string; outcome: string }>): void {
  if (changes.length > 0)
    process.stdout.write(`${changes.map((c) => `${c.app}: ${c.outcome}`).join('\n')}\n`);
}
