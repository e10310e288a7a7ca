// Parsers for option values, shared by commands: each throws a one-line error that says what is expected.
import os from 'node:os';
import { InvalidArgumentError } from 'commander';
import { checkKey, checkOption, checkValue, showValue } from '../config/file/check-value.js';
import { APP_FIELDS } from '../config/file/config-format.js';
import type { Field } from '../config/file/format-fields.js';
import { parseDuration } from '../config/units.js';
import { STOP_SIGNALS, type StopSignal } from '../protocol/app-spec.js';

export function durationOption(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new InvalidArgumentError('expected a duration such as 500ms, 5s, 2m or 1h30m');
  return ms;
}

export function countOption(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

/**
 * `-i N`; as in PM2, `0` and `max` mean one instance per CPU and `-1` one per CPU but one (at least
 * one): a new app of 0 instances would be defined and show nowhere.
 */
export function instancesOption(value: string): number {
  const cpus = os.availableParallelism();
  if (value === 'max' || value === '0') return cpus;
  if (value === '-1') return Math.max(1, cpus - 1);
  const count = /^\d+$/.test(value) ? checkValue(APP_FIELDS.instances, Number(value)) : undefined;
  if (count === undefined) {
    throw new InvalidArgumentError(
      'expected a whole number up to 10000, 0 or max (one per CPU), or -1 (one per CPU but one)',
    );
  }
  return count as number;
}

export function signalOption(value: string): StopSignal {
  const name = (value.toUpperCase().startsWith('SIG') ? value : `SIG${value}`).toUpperCase() as StopSignal;
  if (!STOP_SIGNALS.includes(name))
    throw new InvalidArgumentError(`expected one of ${STOP_SIGNALS.join(', ')}`);
  return name;
}

/**
 * An option that sets what a config file's key sets, checked by that key's field: `--max-memory 1`
 * is refused as `limits.max_memory: 1` is, with the same words.
 */
export function fieldOption<T>(field: Field): (value: string) => T {
  return (value) => {
    const read = checkOption(field, value);
    if ('error' in read) throw new InvalidArgumentError(read.error);
    return read.value as T;
  };
}

/** `KEY=VALUE`, checked as a key and a value of a config file's `env:`. */
export function envOption(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('expected KEY=VALUE');
  const key = value.slice(0, eq);
  const refused = checkKey(APP_FIELDS.env, key);
  if (refused !== undefined) throw new InvalidArgumentError(refused);
  const text = value.slice(eq + 1);
  if (checkValue(APP_FIELDS.env.value, text) === undefined) {
    throw new InvalidArgumentError(
      `found ${showValue(text)} for ${key}, expected a value without NUL characters`,
    );
  }
  return { ...previous, [key]: text };
}
