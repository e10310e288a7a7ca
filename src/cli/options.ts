// Parsers for option values, shared by commands: each throws a one-line error that says what is expected.
import { InvalidArgumentError } from 'commander';
import { parseDuration, parseSize } from '../config/units.js';
import { STOP_SIGNALS, type StopSignal } from '../protocol/app-spec.js';

export function durationOption(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new InvalidArgumentError('expected a duration such as 500ms, 5s, 2m or 1h30m');
  return ms;
}

export function sizeOption(value: string): number {
  const bytes = parseSize(value);
  if (bytes === undefined) throw new InvalidArgumentError('expected a size such as 200M or 1G');
  return bytes;
}

export function countOption(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

export function signalOption(value: string): StopSignal {
  const name = (value.toUpperCase().startsWith('SIG') ? value : `SIG${value}`).toUpperCase() as StopSignal;
  if (!STOP_SIGNALS.includes(name))
    throw new InvalidArgumentError(`expected one of ${STOP_SIGNALS.join(', ')}`);
  return name;
}

export function envOption(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('expected KEY=VALUE');
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}
