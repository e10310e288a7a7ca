// A minimal runtime shape checker for data that crosses the socket. Each check returns the value
// typed, or throws a PmError naming the path, so a bad frame gets an error reply instead of a crash.
import { PmError } from './errors.js';

export type Check<T> = (value: unknown, path: string) => T;

function fail(path: string, expected: string, value: unknown): never {
  const found = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  throw new PmError('bad-request', `${path || 'message'}: expected ${expected}, found ${found}`);
}

export const str: Check<string> = (v, path) => (typeof v === 'string' ? v : fail(path, 'a string', v));

export const bool: Check<boolean> = (v, path) => (typeof v === 'boolean' ? v : fail(path, 'a boolean', v));

export function int(min = 0, max = Number.MAX_SAFE_INTEGER): Check<number> {
  return (v, path) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
      ? v
      : fail(path, `an integer in ${min}..${max}`, v);
}

export function num(min: number, max: number): Check<number> {
  return (v, path) =>
    typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max
      ? v
      : fail(path, `a number in ${min}..${max}`, v);
}

export function literal<const T extends string>(...values: T[]): Check<T> {
  return (v, path) => (values.includes(v as T) ? (v as T) : fail(path, `one of ${values.join(', ')}`, v));
}

export function optional<T>(check: Check<T>): Check<T | undefined> {
  return (v, path) => (v === undefined ? undefined : check(v, path));
}

export function nullable<T>(check: Check<T>): Check<T | null> {
  return (v, path) => (v === null ? null : check(v, path));
}

export function array<T>(check: Check<T>, maxLength = 100_000): Check<T[]> {
  return (v, path) => {
    if (!Array.isArray(v) || v.length > maxLength) return fail(path, `an array (at most ${maxLength})`, v);
    return v.map((item, i) => check(item, `${path}[${i}]`));
  };
}

export function record<T>(check: Check<T>): Check<Record<string, T>> {
  return (v, path) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(path, 'an object', v);
    const out: Record<string, T> = {};
    for (const [key, item] of Object.entries(v)) out[key] = check(item, `${path}.${key}`);
    return out;
  };
}

type Shape = Record<string, Check<unknown>>;

// One check per field of T, optional fields included, and none for a field T lacks. Written as
// `object({...} satisfies ShapeOf<T>)`, a field added to T without a check does not compile, where
// an `as Check<T>` would let the validator drop it from every frame.
export type ShapeOf<T> = { [K in keyof Required<T>]: Check<T[K]> };
type FromShape<S extends Shape> = { [K in keyof S]: ReturnType<S[K]> };

// Known keys only: unknown keys are dropped, so the result is exactly the declared type.
export function object<S extends Shape>(shape: S): Check<FromShape<S>> {
  return (v, path) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(path, 'an object', v);
    const input = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, check] of Object.entries(shape)) {
      const item = check(input[key], path ? `${path}.${key}` : key);
      if (item !== undefined) out[key] = item;
    }
    return out as FromShape<S>;
  };
}
