// The building blocks of the config format. Each field says what it accepts, how it is described,
// and which TypeScript type it reads as, so that the loader, the JSON Schema and the types come from
// one table and cannot drift.
import { formatMs } from '../units.js';

/** One key's kind of value, with what the loader, the schema and the docs need to know about it. */
export type Field =
  | { kind: 'string'; description: string; example: string; pattern?: RegExp; patternHint?: string }
  /** Any scalar, taken as written (`PORT: 3000` reads as "3000"). */
  | { kind: 'text'; description: string; example: string }
  /** `only`: the one value allowed (`false` to turn off what another option of an `either` sets up). */
  | { kind: 'boolean'; description: string; only?: boolean }
  | { kind: 'count'; description: string; min: number; max: number }
  /** Any number, fractions too (CPU cores: `0.5`). */
  | { kind: 'number'; description: string; example: number; min: number; max: number }
  /** Octal digits as written (`027`, `"0027"`, `0o27`), e.g. a umask: never read as decimal. */
  | { kind: 'octal'; description: string; example: string; max: number }
  /** Milliseconds: `500ms`, `5s`, `1h30m`, or a plain number of milliseconds. */
  | { kind: 'duration'; description: string; example: string; min: number }
  /** Bytes: `200M`, `1G`, or a plain number of bytes. */
  | { kind: 'size'; description: string; example: string; min: number }
  | { kind: 'enum'; description: string; values: readonly string[] }
  | { kind: 'list'; description: string; item: Field; maxItems?: number }
  /** Free-form keys, e.g. environment variables. */
  | { kind: 'map'; description: string; value: Field; keys?: { pattern: RegExp; hint: string } }
  | Section
  /** The first option whose shape matches the value (scalar type, map or list) reads it. */
  | { kind: 'either'; description: string; options: readonly Field[] };

/** A map with known keys: unknown keys are errors with a did-you-mean. */
export interface Section {
  kind: 'section';
  description: string;
  keys: Readonly<Record<string, Field>>;
  /** Name of the definition in the JSON Schema, for sections used in several places. */
  title?: string;
  required?: readonly string[];
  /** Exactly one of these keys must be present. */
  exactlyOne?: readonly string[];
  /** Keys `env_<profile>` read with this field into `profiles[<profile>]`. */
  profiles?: Field;
  /** Keys that belong in another section (key → where, and why): refused, saying where they go. */
  misplaced?: Readonly<Record<string, string>>;
}

/** Profile keys: `env_production`, `env_staging`; never `env_file`, which is a key of its own. */
/** The daemon refuses longer durations: a year is beyond any sensible timeout or delay. */
export const MAX_DURATION_MS = 365 * 24 * 3600 * 1000;

export const PROFILE_KEY = /^env_(?!file$)([A-Za-z0-9_-]+)$/;

type Optional<T> = { [K in keyof T]?: T[K] };
type ReadKeys<K extends Readonly<Record<string, Field>>> = { [P in keyof K]: Infer<K[P]> };

/** The value a field reads as, once units are parsed. */
export type Infer<F> = F extends { kind: 'string' | 'text' }
  ? string
  : F extends { kind: 'boolean'; only: infer V extends boolean }
    ? V
    : F extends { kind: 'boolean' }
      ? boolean
      : F extends { kind: 'count' | 'number' | 'octal' | 'duration' | 'size' }
        ? number
        : F extends { kind: 'enum'; values: readonly (infer V)[] }
          ? V
          : F extends { kind: 'list'; item: infer I }
            ? Infer<I>[]
            : F extends { kind: 'map'; value: infer V }
              ? Record<string, Infer<V>>
              : F extends { kind: 'either'; options: readonly (infer O)[] }
                ? Infer<O>
                : F extends { kind: 'section'; keys: infer K extends Readonly<Record<string, Field>> }
                  ? Optional<ReadKeys<K>> &
                      (F extends { required: readonly (infer R extends keyof K)[] }
                        ? Pick<ReadKeys<K>, R>
                        : unknown) &
                      (F extends { profiles: infer P } ? { profiles?: Record<string, Infer<P>> } : unknown)
                  : never;

// Builders: each returns its field `as const`, so that `Infer` can read the type back from the table.
export const string = (
  description: string,
  example: string,
  rule?: { pattern: RegExp; patternHint: string },
) => ({ kind: 'string', description, example, ...rule }) as const;
export const text = (description: string, example: string) =>
  ({ kind: 'text', description, example }) as const;
export const boolean = (description: string) => ({ kind: 'boolean', description }) as const;
export const only = <const V extends boolean>(value: V, description: string) =>
  ({ kind: 'boolean', description, only: value }) as const;
export const count = (description: string, min: number, max: number) =>
  ({ kind: 'count', description, min, max }) as const;
export const number = (description: string, example: number, min: number, max: number) =>
  ({ kind: 'number', description, example, min, max }) as const;
/** `max`: the largest value accepted (0o777 for a umask). */
export const octal = (description: string, example: string, max: number) =>
  ({ kind: 'octal', description, example, max }) as const;
/** `min`: the smallest value accepted, in ms (a probe interval: 100; a delay: 0). */
export const duration = (description: string, example: string, min = 0) =>
  ({ kind: 'duration', description, example, min }) as const;
/** `min`: the smallest value accepted, in bytes. */
export const size = (description: string, example: string, min = 0) =>
  ({ kind: 'size', description, example, min }) as const;
export const oneOf = <const V extends readonly string[]>(description: string, values: V) =>
  ({ kind: 'enum', description, values }) as const;
export const list = <const I extends Field>(description: string, item: I, maxItems?: number) =>
  ({ kind: 'list', description, item, ...(maxItems === undefined ? {} : { maxItems }) }) as const;
export const map = <const V extends Field>(
  description: string,
  value: V,
  keys?: { pattern: RegExp; hint: string },
) => ({ kind: 'map', description, value, ...(keys && { keys }) }) as const;
export const either = <const O extends readonly Field[]>(description: string, ...options: O) =>
  ({ kind: 'either', description, options }) as const;
export const section = <
  const K extends Readonly<Record<string, Field>>,
  const R extends Omit<Section, 'kind' | 'keys' | 'description'> = Record<never, never>,
>(
  description: string,
  keys: K,
  rules?: R,
) => ({ kind: 'section', description, keys, ...(rules as R) }) as const;

/** "a duration", "a non-zero duration" or "a duration of at least 100ms". */
function bounded(unit: string, min: number, show: (value: number) => string): string {
  if (min <= 0) return `a ${unit}`;
  return min === 1 ? `a non-zero ${unit}` : `a ${unit} of at least ${show(min)},`;
}

function showSize(bytes: number): string {
  for (const [unit, scale] of [
    ['G', 1024 ** 3],
    ['M', 1024 ** 2],
    ['K', 1024],
  ] as const) {
    if (bytes % scale === 0) return `${bytes / scale}${unit}`;
  }
  return `${bytes}B`;
}

/** What a field expects, in words, for error messages. */
export function describeExpected(field: Field): string {
  switch (field.kind) {
    case 'string':
      return field.patternHint ?? 'a string';
    case 'text':
      return 'a value (without NUL characters)';
    case 'boolean':
      return field.only === undefined ? 'true or false' : String(field.only);
    case 'count':
      return `a whole number from ${field.min} to ${field.max}`;
    case 'number':
      return `a number from ${field.min} to ${field.max}`;
    case 'octal':
      return `octal digits from 0 to ${field.max.toString(8)} such as ${field.example}`;
    case 'duration':
      return `${bounded('duration', field.min, formatMs)} such as 500ms, 5s, 2m or 1h30m (at most 365d)`;
    case 'size':
      return `${bounded('size', field.min, showSize)} such as 512K, 200M or 1G`;
    case 'enum':
      return `one of ${field.values.join(', ')}`;
    case 'list':
      return field.maxItems === undefined ? 'a list' : `a list of at most ${field.maxItems}`;
    case 'map':
      return 'a map of NAME: value';
    case 'section':
      return `a map with the keys ${Object.keys(field.keys).join(', ')}`;
    case 'either':
      return field.options.map(describeExpected).join(', or ');
  }
}
