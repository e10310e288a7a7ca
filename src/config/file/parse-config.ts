// YAML text → the config as typed data, with the position of every value. Syntax errors stop
// here; otherwise every shape error of the file is collected in one pass.
import { LineCounter, parseDocument } from 'yaml';
import { CONFIG_FORMAT, type ConfigFile } from './config-format.js';
import type { ConfigIssue } from './config-issue.js';
import { type Position, type ReadContext, readField } from './read-fields.js';

export interface ParsedConfig {
  /** False when the text is not valid YAML: `config` is then empty and `issues` holds the syntax errors. */
  isYaml: boolean;
  config: ConfigFile;
  positions: Map<string, Position>;
  issues: ConfigIssue[];
}

const EMPTY_MESSAGE =
  'the file is empty, expected process_management: and apps: (run `pm init` for an example)';

/** Never throws: a bad text comes back as issues. */
export function parseConfig(source: string): ParsedConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const positions = new Map<string, Position>();
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return { line, column: col, path: '', message: `YAML syntax error: ${error.message.split('\n')[0]}` };
    });
    return { isYaml: false, config: {}, positions, issues };
  }
  if (doc.contents === null) {
    return {
      isYaml: true,
      config: {},
      positions,
      issues: [{ line: 1, column: 1, path: '', message: EMPTY_MESSAGE }],
    };
  }
  const ctx: ReadContext = { doc, source, lineCounter, issues: [], positions };
  const config = (readField(CONFIG_FORMAT, doc.contents, '', ctx) ?? {}) as ConfigFile;
  return { isYaml: true, config, positions, issues: ctx.issues };
}

/** Where a key path is in the file, or its nearest parent that is. */
export function issueAt(parsed: ParsedConfig, keyPath: string, message: string): ConfigIssue {
  let at = keyPath;
  while (at && !parsed.positions.has(at)) at = at.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
  const { line, column } = parsed.positions.get(at) ?? { line: 0, column: 0 };
  return { line, column, path: keyPath, message };
}
