// docs/pm.schema.json and the loader accept and reject the same keys: the file is what the format
// table generates, and every key it lists is taken by the loader while a misspelt one is refused.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import {
  configJsonSchema,
  DURATION_PATTERN,
  SIZE_PATTERN,
} from '../../../../src/config/file/config-json-schema.js';
import { parseDuration, parseSize } from '../../../../src/config/units.js';
import { errorLines, load, removeConfigs, writeConfig } from './temp-config.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');
const SCHEMA_FILE = path.join(ROOT, 'docs/pm.schema.json');

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  patternProperties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Array<{ required: string[] }>;
  required?: string[];
  examples?: unknown[];
  enum?: unknown[];
  minimum?: number;
};

const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as Schema & {
  definitions: Record<string, Schema>;
};

afterEach(removeConfigs);

const resolve = (s: Schema): Schema => (s.$ref ? resolve(schema.definitions[s.$ref.split('/').pop()!]!) : s);
const types = (s: Schema) => [s.type ?? []].flat();
const objectIn = (s: Schema) =>
  [resolve(s), ...(resolve(s).anyOf ?? []).map(resolve)].find((o) => o.properties);

/** The smallest valid object of an object schema that holds `key`: required keys, one of `oneOf`. */
function minimal(s: Schema, key?: string): Record<string, unknown> {
  const choices = (s.oneOf ?? []).map((choice) => choice.required[0]!);
  const needed = [
    ...(s.required ?? []),
    ...(choices.length > 0 && !choices.includes(key!) ? [choices[0]!] : []),
  ];
  return Object.fromEntries(needed.map((name) => [name, sample(s.properties![name]!)]));
}

/** A valid value of a schema: its example, its first option, or a small value of its type. */
function sample(input: Schema): unknown {
  const s = resolve(input);
  if (s.examples) return s.examples[0];
  if (s.enum) return s.enum[0];
  if (s.anyOf) return sample(s.anyOf[0]!);
  const [type] = types(s);
  if (type === 'boolean') return true;
  if (type === 'integer') return Math.max(s.minimum ?? 0, 1);
  if (type === 'array') return [sample(s.items!)];
  if (s.properties) return minimal(s);
  if (type === 'object') return { NAME: sample(s.additionalProperties as Schema) };
  return 'x';
}

/** Sets `value` at `at` (keys and indexes) in a copy of `config`. */
function withValue(config: unknown, at: Array<string | number>, value: unknown): unknown {
  if (at.length === 0) return value;
  const [head, ...rest] = at;
  const copy = (Array.isArray(config) ? [...config] : { ...(config as object) }) as Record<
    string | number,
    unknown
  >;
  copy[head!] = withValue(copy[head!] ?? (typeof rest[0] === 'number' ? [] : {}), rest, value);
  return copy;
}

const keyPath = (at: Array<string | number>) =>
  at
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`))
    .join('')
    .replace(/^\./, '');

const BASE = { apps: [{ name: 'web', script: 'server.js' }] };
const COMPANIONS: Record<string, Record<string, unknown>> = {
  cron: { type: 'task' },
  timezone: { cron_restart: '0 4 * * *' },
  watch_ignore: { watch: true },
  increment_var: { env: { PORT: '3000' } },
  watch_delay: { watch: true },
};

function loadsWith(at: Array<string | number>, object: Record<string, unknown>): string[] {
  const file = writeConfig(stringify(withValue(BASE, at, object)), { '.env': 'A=1\n' });
  try {
    load(file);
    return [];
  } catch {
    return errorLines(file);
  }
}

/** Every object schema in the file, with where it sits in a config. */
function objectLocations(
  s: Schema,
  at: Array<string | number>,
  found: Array<[Array<string | number>, Schema]> = [],
) {
  const object = objectIn(s);
  if (object) {
    found.push([at, object]);
    for (const [key, child] of Object.entries(object.properties!))
      objectLocations(child, [...at, key], found);
  }
  const array = [resolve(s), ...(resolve(s).anyOf ?? []).map(resolve)].find((o) =>
    types(o).includes('array'),
  );
  if (array?.items && !object) objectLocations(array.items, [...at, 0], found);
  return found;
}

test('docs/pm.schema.json is the schema generated from the format table', () => {
  assert.deepEqual(
    schema,
    configJsonSchema(),
    'docs/pm.schema.json is out of date: run `node bin/pm validate --schema > docs/pm.schema.json`',
  );
});

for (const [at, object] of objectLocations(schema, [])) {
  const where = keyPath(at) || 'the top level';
  test(`the loader takes every key the schema lists at ${where}, and refuses a misspelt one`, () => {
    assert.equal(object.additionalProperties, false, `${where} must refuse unknown keys in the schema too`);
    for (const [key, child] of Object.entries(object.properties!)) {
      // Keys valid only beside another: cron: runs a task, timezone: goes with a schedule.
      const base = { ...minimal(object, key), ...COMPANIONS[key] };
      // A dependency must name another app of the file, which no sample of the schema can know.
      const value = key === 'depends_on' ? [] : sample(child);
      const errors = loadsWith(at, { ...base, [key]: value });
      assert.deepEqual(errors, [], `${keyPath([...at, key])}: the schema lists it, the loader refuses it`);
      const misspelt = `x${key}`;
      const refused = loadsWith(at, { ...base, [misspelt]: value });
      const mentioned = refused.some((line) =>
        line.includes(`${keyPath([...at, misspelt])}: found unknown key`),
      );
      assert.ok(
        mentioned,
        `${keyPath([...at, misspelt])}: the schema refuses it, the loader did not:\n${refused.join('\n')}`,
      );
    }
    for (const pattern of Object.keys(object.patternProperties ?? {})) {
      assert.ok(new RegExp(pattern).test('env_production'), pattern);
      assert.deepEqual(loadsWith(at, { ...minimal(object), env_production: { A: 1 } }), []);
    }
  });
}

test('the duration and size patterns of the schema accept what the units parser accepts', () => {
  for (const text of [
    '5s',
    '1h30m',
    '250ms',
    '1500',
    '1.5s',
    ' 5M ',
    '2D',
    'x',
    '5x',
    '1h30',
    '-1',
    'ms',
    '1e3',
  ]) {
    assert.equal(
      new RegExp(DURATION_PATTERN).test(text),
      parseDuration(text) !== undefined,
      `duration ${text}`,
    );
  }
  for (const text of ['200M', '1G', '512k', '10MB', '1.5GiB', '100', '100 B', 'lots', 'M', '-1M', '1X']) {
    assert.equal(new RegExp(SIZE_PATTERN).test(text), parseSize(text) !== undefined, `size ${text}`);
  }
});
