// Warnings go to stderr, apart from what scripts read on stdout (`--json`, the summary), and never
// change the exit code: the command did what was asked.
import { escapeText } from '../../protocol/escape-text.js';

export function printWarnings(lines: readonly string[]): void {
  for (const line of lines) process.stderr.write(`pm: warning: ${escapeText(line)}\n`);
}
