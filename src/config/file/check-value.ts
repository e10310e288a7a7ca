// The rules of the format's scalar fields, on plain values: the config reader applies them to what
// a file says, and the command line to what an option says, so that both refuse the same values.

import { quoteText } from '../../protocol/escape-text.js';
import { parseDuration, parseSize } from '../units.js';
import { describeExpected, type Field, MAX_DURATION_MS } from './format-fields.js';

type Scalar = string | number | boolean;

/** The value as the field reads it (units parsed), or undefined when the field refuses it. */
export function checkValue(field: Field, value: Scalar): unknown {
  switch (field.kind) {
    case 'string':
      if (typeof value !== 'string' || value.trim() === '' || value.includes('\0')) return undefined;
      return !field.pattern || field.pattern.test(value) ? value : undefined;
    // No program can receive a NUL in an argument or a variable: exec would refuse it.
    case 'text':
      return String(value).includes('\0') ? undefined : String(value);
    // A string only from the command line: the config reader takes numbers alone for these.
    case 'count': {
      const count = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
      return Number.isInteger(count) && (count as number) >= field.min && (count as number) <= field.max
        ? count
        : undefined;
    }
    case 'number': {
      const number = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
      return typeof number === 'number' && number >= field.min && number <= field.max ? number : undefined;
    }
    case 'octal': {
      const digits = /^(?:0o)?([0-7]{1,4})$/i.exec(String(value).trim())?.[1];
      const mode = digits === undefined ? undefined : Number.parseInt(digits, 8);
      return mode !== undefined && mode <= field.max ? mode : undefined;
    }
    case 'duration': {
      if (typeof value === 'boolean') return undefined;
      const ms = parseDuration(value);
      return ms !== undefined && ms >= field.min && ms <= MAX_DURATION_MS ? ms : undefined;
    }
    case 'size': {
      if (typeof value === 'boolean') return undefined;
      const bytes = parseSize(value);
      return bytes !== undefined && bytes >= field.min && Number.isSafeInteger(bytes) ? bytes : undefined;
    }
    case 'enum':
      return typeof value === 'string' && field.values.includes(value) ? value : undefined;
    // The first option that takes the value (on the command line every value comes as a string).
    case 'either':
      for (const option of field.options) {
        const read = checkValue(option, value);
        if (read !== undefined) return read;
      }
      return undefined;
    default:
      return undefined;
  }
}

const PLAIN_NAME = /^[^\s=]+$/;

/** Why a map refuses this key, or undefined when it is a valid name. */
export function checkKey(field: Field & { kind: 'map' }, key: string): string | undefined {
  if ((field.keys?.pattern ?? PLAIN_NAME).test(key)) return undefined;
  return `found the name ${showValue(key)}, expected ${field.keys?.hint ?? 'a plain name (no space or "=")'}`;
}

/** A value quoted, so that control characters and raw bytes show escaped, cut at 60 characters. */
export function showValue(value: string): string {
  return quoteText(value, 60);
}

/** The checked value of an option, or the one-line message that says what the field expects. */
export function checkOption(field: Field, value: string): { value: unknown } | { error: string } {
  const read = checkValue(field, value);
  if (read !== undefined) return { value: read };
  return { error: `found ${showValue(value)}, expected ${describeExpected(field)}` };
}
