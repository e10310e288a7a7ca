// A strict reader of the Prometheus text format, for tests: every line must be a comment or a sample.
import assert from 'node:assert/strict';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`;
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*)?\\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)$`);
const HELP = new RegExp(`^# HELP (${NAME}) .*$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);

const unescapeLabel = (text: string) => text.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));

function parseLabels(text: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const match of (text ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
    labels[match[1]!] = unescapeLabel(match[2]!);
  }
  return labels;
}

export function parseExposition(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = SAMPLE.exec(line);
      assert.ok(match, `not a valid sample line: ${JSON.stringify(line)}`);
      return { name: match[1]!, labels: parseLabels(match[2]), value: Number(match[3]) };
    });
}

/** Each line is HELP, TYPE or a sample of a declared family; the text ends with a newline. */
export function assertValidExposition(text: string): void {
  assert.ok(text.endsWith('\n'), 'the exposition must end with a newline');
  const typed = new Set<string>();
  for (const line of text.slice(0, -1).split('\n')) {
    if (HELP.test(line)) continue;
    const type = TYPE.exec(line);
    if (type) {
      assert.ok(!typed.has(type[1]!), `family ${type[1]} declared twice`);
      typed.add(type[1]!);
      continue;
    }
    const sample = SAMPLE.exec(line);
    assert.ok(sample, `not a valid exposition line: ${JSON.stringify(line)}`);
    assert.ok(typed.has(sample[1]!), `sample of undeclared family: ${line}`);
    assert.ok(!Number.isNaN(Number(sample[3])) || sample[3] === 'NaN');
  }
}
