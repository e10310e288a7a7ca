// Text that came from a file, a command line or a request, made safe to print: a config file that
// is really a binary, or a name with an escape sequence in it, must not reach the terminal as raw
// bytes (ESC can clear the screen, retitle the window or answer back as keystrokes). One helper
// for every message that quotes such text, in the CLI and in the daemon's replies.

// Controls (C0, DEL, C1), format characters (bidi overrides, zero-width), line and paragraph
// separators, lone surrogates, private use, and U+FFFD (what an invalid UTF-8 byte was read as).
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\uFFFD]/gu;

function escapeChar(char: string): string {
  const code = char.codePointAt(0)!;
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code < 0x10000) return `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `\\u{${code.toString(16).toUpperCase()}}`;
}

/** `text` with every unprintable character written as `\xNN` or `\uXXXX`; `keep` lists the ones left as they are (e.g. "\n" in a message of several lines). */
export function escapeText(text: string, keep = ''): string {
  return text.replace(UNPRINTABLE, (char) => (keep.includes(char) ? char : escapeChar(char)));
}

/** A value in double quotes, escaped so that what is shown is unambiguous, cut at `maxLength` characters. */
export function quoteText(text: string, maxLength = Number.POSITIVE_INFINITY): string {
  const parts = [...text].map((char) => (char === '"' || char === '\\' ? `\\${char}` : escapeText(char)));
  const whole = parts.join('');
  if (whole.length + 2 <= maxLength) return `"${whole}"`;
  let shown = '';
  for (const part of parts) {
    if (shown.length + part.length > maxLength - 5) break;
    shown += part;
  }
  return `"${shown}..."`;
}
