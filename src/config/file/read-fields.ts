// Read YAML nodes with the format's fields: every value is checked where it stands, so each problem
// is reported with its line, column and key path, and reading goes on to find the others.
import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import { checkKey, checkValue, showValue } from './check-value.js';
import type { ConfigIssue } from './config-issue.js';
import { describeExpected, type Field, PROFILE_KEY, type Section } from './format-fields.js';
import { suggestKey } from './suggest-key.js';

export interface Position {
  line: number;
  column: number;
}

export interface ReadContext {
  doc: Document;
  source: string;
  lineCounter: LineCounter;
  issues: ConfigIssue[];
  /** Where each key path's value is, for the checks made after reading. */
  positions: Map<string, Position>;
}

type YamlNode = Node | null | undefined;

function positionOf(node: YamlNode, ctx: ReadContext): Position {
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = ctx.lineCounter.linePos(offset);
  return { line, column: col };
}

function report(ctx: ReadContext, node: YamlNode, path: string, message: string): undefined {
  ctx.issues.push({ ...positionOf(node, ctx), path, message });
  return undefined;
}

function describeFound(node: YamlNode, ctx: ReadContext): string {
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  if (!isScalar(node) || node.value === null) return 'nothing';
  if (typeof node.value === 'string') return showValue(node.value);
  return scalarText(node, ctx);
}

/** A scalar as written in the file: `1.50` stays "1.50", `0755` stays "0755". */
function scalarText(node: Node, ctx: ReadContext): string {
  const value = isScalar(node) ? node.value : undefined;
  if (typeof value === 'string') return value;
  if (!node.range) return String(value);
  const [start, end] = node.range;
  return ctx.source.slice(start, end).trim();
}

const isNull = (node: YamlNode) => !node || (isScalar(node) && node.value === null);

function accepts(field: Field, node: YamlNode): boolean {
  const value = isScalar(node) ? node.value : undefined;
  switch (field.kind) {
    case 'string':
      return typeof value === 'string';
    // Only its own words: in an `either`, another string ("5m") goes on to the next option.
    case 'enum':
      return typeof value === 'string' && field.values.includes(value);
    case 'text':
      return isScalar(node) && value !== null;
    case 'boolean':
      return typeof value === 'boolean';
    case 'count':
    case 'number':
      return typeof value === 'number';
    case 'octal':
    case 'duration':
    case 'size':
      return typeof value === 'string' || typeof value === 'number';
    case 'list':
      return isSeq(node) || isNull(node);
    case 'map':
      return isMap(node) || isNull(node);
    case 'section':
      return isMap(node) || (isNull(node) && !field.required && !field.exactlyOne);
    case 'either':
      return field.options.some((option) => accepts(option, node));
  }
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** The value read, with units parsed; undefined when it is not valid (an issue is recorded). */
export function readField(
  field: Field,
  input: YamlNode,
  path: string,
  ctx: ReadContext,
  keyNode?: YamlNode,
  /** What a mismatch says was expected, when it is more than `field` (an either's other words). */
  expected: Field = field,
): unknown {
  const node = isAlias(input) ? input.resolve(ctx.doc) : input;
  const place = node ?? keyNode;
  ctx.positions.set(path, positionOf(place, ctx));
  const mismatch = () =>
    report(ctx, place, path, `found ${describeFound(node, ctx)}, expected ${describeExpected(expected)}`);
  if (!accepts(field, node)) return mismatch();
  const value = isScalar(node) ? node.value : undefined;
  switch (field.kind) {
    case 'string':
    case 'count':
    case 'number':
    case 'duration':
    case 'size':
    case 'enum':
      return checkValue(field, value as string | number) ?? mismatch();
    // As written: `umask: 027` is octal 027, not the decimal 27 that YAML 1.2 reads.
    case 'text':
    case 'octal':
      return checkValue(field, scalarText(node as Node, ctx)) ?? mismatch();
    case 'boolean':
      return field.only === undefined || value === field.only ? value : mismatch();
    case 'list':
      if (!isSeq(node)) return [];
      if (field.maxItems !== undefined && node.items.length > field.maxItems) return mismatch();
      // Invalid items stay as holes so that indexes match the file (a config with issues is never applied).
      return node.items.map((item, index) => readField(field.item, item as Node, `${path}[${index}]`, ctx));
    case 'map':
      return readPairs(node, path, ctx, (key, valueNode, keyNode) => {
        const refused = checkKey(field, key);
        return refused === undefined
          ? readField(field.value, valueNode, join(path, key), ctx, keyNode)
          : report(ctx, keyNode, join(path, key), refused);
      });
    case 'section':
      return readSection(field, node, path, ctx, place);
    case 'either': {
      const option = field.options.find((candidate) => accepts(candidate, node))!;
      // `prometheus: true` is told every option (a map with a port, or false), not just "false".
      if (option.kind === 'boolean' && option.only !== undefined && value !== option.only) return mismatch();
      // `retry_after: soon` is told it may also be `never`, not only that it is no duration.
      const words = field.options.some((candidate) => candidate.kind === 'enum');
      return readField(option, node, path, ctx, keyNode, words ? field : option);
    }
  }
}

/** Calls `read` for each key of a map; collects what it returns. */
function readPairs(
  node: YamlNode,
  path: string,
  ctx: ReadContext,
  read: (key: string, value: YamlNode, keyNode: YamlNode) => unknown,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isMap(node)) return out;
  for (const pair of node.items) {
    const keyNode = pair.key as YamlNode;
    if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
      report(
        ctx,
        keyNode ?? node,
        path,
        `found ${describeFound(keyNode, ctx)} as a key, expected a plain name`,
      );
      continue;
    }
    const key = scalarText(keyNode, ctx);
    const value = read(key, pair.value as YamlNode, keyNode);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function readSection(
  section: Section,
  node: YamlNode,
  path: string,
  ctx: ReadContext,
  place: YamlNode,
): Record<string, unknown> {
  const present = new Map<string, YamlNode>();
  const profiles: Record<string, unknown> = {};
  const known = Object.keys(section.keys);
  const out = readPairs(node, path, ctx, (key, value, keyNode) => {
    const field = Object.hasOwn(section.keys, key) ? section.keys[key] : undefined;
    if (field) {
      present.set(key, keyNode);
      return readField(field, value, join(path, key), ctx, keyNode);
    }
    const home = section.misplaced?.[key];
    if (home !== undefined && Object.hasOwn(section.misplaced!, key)) {
      return report(ctx, keyNode, join(path, key), `found ${showValue(key)} here, expected it in ${home}`);
    }
    const profile = section.profiles ? PROFILE_KEY.exec(key) : null;
    const suggestion = suggestKey(key, known);
    if (profile && section.profiles && (accepts(section.profiles, value) || !suggestion)) {
      const read = readField(section.profiles, value, join(path, key), ctx, keyNode);
      if (read !== undefined) profiles[profile[1]!] = read;
      return undefined;
    }
    const hint = suggestion ? `; did you mean "${suggestion}"?` : `, expected one of ${known.join(', ')}`;
    return report(ctx, keyNode, join(path, key), `found unknown key ${showValue(key)}${hint}`);
  });
  if (Object.keys(profiles).length > 0) out.profiles = profiles;
  for (const key of section.required ?? []) {
    if (!present.has(key)) {
      report(ctx, place, join(path, key), `missing, expected ${describeExpected(section.keys[key]!)}`);
    }
  }
  if (section.exactlyOne) {
    const given = section.exactlyOne.filter((key) => present.has(key));
    const names = section.exactlyOne.join(', ').replace(/, (?=[^,]+$)/, ' or ');
    if (given.length === 0) report(ctx, place, path, `found no ${names}, expected exactly one of them`);
    if (given.length > 1) {
      const [first, second] = given as [string, string];
      report(
        ctx,
        present.get(second),
        join(path, second),
        `found both ${first} and ${second}, expected only one`,
      );
    }
  }
  return out;
}
