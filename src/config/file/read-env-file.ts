// `env_file:` in the common dotenv shape: KEY=VALUE lines, `export` allowed, # comments, values in
// single quotes taken literally, in double quotes with \n \t \" \\ escapes.
import fs from 'node:fs';

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*?)\s*$/;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };

function unquote(raw: string): string | undefined {
  if (raw.startsWith("'")) return raw.length > 1 && raw.endsWith("'") ? raw.slice(1, -1) : undefined;
  if (raw.startsWith('"')) {
    if (raw.length < 2 || !raw.endsWith('"')) return undefined;
    return raw.slice(1, -1).replace(/\\(.)/g, (match, char: string) => ESCAPES[char] ?? match);
  }
  return raw.replace(/\s+#.*$/, '');
}

/** The variables of an env file, or a message saying what is wrong with it (file and line). */
export function readEnvFile(file: string): Record<string, string> | string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `${file} does not exist` : `cannot read ${file} (${code})`;
  }
  const env: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    if (/^\s*(#|$)/.test(line)) continue;
    const match = LINE.exec(line);
    const value = match ? unquote(match[2]!) : undefined;
    if (!match || value === undefined) return `${file}:${index + 1} is not a KEY=VALUE line`;
    env[match[1]!] = value;
  }
  return env;
}
