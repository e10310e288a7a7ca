// Values as a unit file reads them (systemd.syntax(7), systemd.service(7) "Command lines"): every
// word where a specifier (`%`) or, on command lines, a variable (`$`) could be expanded is escaped.

/** Control characters and quotes inside a double-quoted word, as the C-style escapes systemd reads. */
function escapeInQuotes(text: string): string {
  return text.replace(/[\\"\x00-\x1f\x7f]/g, (char) => {
    const named: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\t': '\\t', '\r': '\\r' };
    return named[char] ?? `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

const PLAIN = /^[A-Za-z0-9_@%+=:,./$-]+$/;

/** One argument of ExecStart=: `%` → `%%`, `$` → `$$` (else systemd substitutes variables). */
export function quoteExecArg(arg: string): string {
  const escaped = arg.replaceAll('%', '%%').replaceAll('$', '$$$$');
  // A lone `;` separates commands on some command lines: systemd documents `\;` for the word itself.
  if (arg === ';') return '\\;';
  return PLAIN.test(arg) ? escaped : `"${escapeInQuotes(escaped)}"`;
}

/** A whole command line: the program and each argument a separate, escaped word. */
export function quoteCommand(file: string, args: readonly string[]): string {
  return [file, ...args].map(quoteExecArg).join(' ');
}

/** One `NAME=value` of Environment=: `$` is literal there (no substitution), `%` is a specifier. */
export function quoteAssignment(name: string, value: string): string {
  const assignment = `${name}=${value}`.replaceAll('%', '%%');
  return PLAIN.test(assignment) ? assignment : `"${escapeInQuotes(assignment)}"`;
}

/** A free text value (Description=): only specifiers are expanded; no line breaks. */
export function escapeText(text: string): string {
  return text.replaceAll('%', '%%').replace(/[\r\n]+/g, ' ');
}
