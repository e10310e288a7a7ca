// A config problem with its place in the file, and the one error that carries all of them: a bad
// config is reported whole, so the user fixes everything in one pass.
import { PmError } from '../../protocol/errors.js';
import { escapeText } from '../../protocol/escape-text.js';

export interface ConfigIssue {
  /** 1-based; 0 when the problem has no place in the file (e.g. a command-line option). */
  line: number;
  column: number;
  /** The key path, e.g. `apps[1].recovery.max_restarts`; empty for the file as a whole. */
  path: string;
  message: string;
}

/** `file:line:column: key.path: message`, the shape editors and terminals link to. */
// Escaped whole: the file name, a key in the path and a YAML parser's message can each carry bytes of
// the file (a binary given by mistake), which must not reach the terminal raw.
export function formatIssue(file: string, issue: ConfigIssue): string {
  const place = issue.line > 0 ? `${file}:${issue.line}:${issue.column}` : file;
  return escapeText(`${place}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}`);
}

/** One error for all issues, in file order, one per line. */
export function configError(file: string, issues: ConfigIssue[]): PmError {
  const sorted = [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
  const lines = sorted.map((issue) => formatIssue(file, issue));
  const header =
    lines.length > 1 ? [`${escapeText(file)}: ${lines.length} errors, nothing was started or changed`] : [];
  return new PmError('bad-config', [...header, ...lines].join('\n'));
}
