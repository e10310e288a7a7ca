// Prometheus for tests: a strict reader of the text format (every line a comment or a sample), and a scrape.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { fixtureApp } from './run-cli.js';

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

export interface Scrape {
  status: number;
  contentType: string;
  body: string;
}

/** GET /metrics on 127.0.0.1 with node's http, on a fresh connection (no keep-alive to outlive a move). */
export function scrape(port: number, pathname = '/metrics'): Promise<Scrape> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      { host: '127.0.0.1', port, path: pathname, agent: false, timeout: 5000 },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: response.headers['content-type'] ?? '',
            body,
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer from 127.0.0.1:${port} in 5 s`)));
    request.on('error', reject);
  });
}

/** True once nothing listens on the port any more (the connection is refused). */
export async function isRefused(port: number): Promise<boolean> {
  try {
    await scrape(port);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ECONNREFUSED';
  }
}

/** Writes a config with these lines under process_management.monitoring and one app, web. */
export function writeMonitoringConfig(file: string, monitoring: string[]): string {
  fs.writeFileSync(
    file,
    [
      'process_management:',
      '  monitoring:',
      ...monitoring.map((line) => `    ${line}`),
      'apps:',
      '  - name: web',
      `    script: ${fixtureApp('forever.js')}`,
      '',
    ].join('\n'),
  );
  return file;
}
