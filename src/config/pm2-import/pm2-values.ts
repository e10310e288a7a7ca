// PM2's value forms turned into pm's: instance counts, durations in ms, memory sizes, lists that
// may be one string, and arguments joined into a command line.
import { formatMs, parseDuration, parseSize } from '../units.js';

/**
 * The count PM2 would start: `'max'` and 0 are one per CPU, -N is that many fewer (at least 1).
 * Undefined for a value PM2 would refuse.
 */
export function resolveInstances(value: unknown, cpus: number): number | undefined {
  const count = value === 'max' ? 0 : typeof value === 'string' ? Number(value) : value;
  if (typeof count !== 'number' || !Number.isInteger(count)) return undefined;
  if (count === 0) return cpus;
  return count < 0 ? Math.max(1, cpus + count) : count;
}

/** PM2 times are ms, or (min_uptime) a string such as `10s` or `1h`: written as pm writes them. */
export function toDuration(value: unknown): string | undefined {
  if (typeof value !== 'number' && typeof value !== 'string') return undefined;
  const ms = parseDuration(value);
  return ms === undefined ? undefined : formatMs(ms);
}

/** PM2 sizes are bytes or `300M`, `1G`, `512K` (powers of 1024, as pm's): written with the largest whole unit. */
export function toSize(value: unknown): string | undefined {
  if (typeof value !== 'number' && typeof value !== 'string') return undefined;
  const bytes = parseSize(value);
  if (bytes === undefined) return undefined;
  for (const [unit, factor] of [
    ['G', 1024 ** 3],
    ['M', 1024 ** 2],
    ['K', 1024],
  ] as const) {
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor}${unit}`;
  }
  return String(bytes);
}

/** PM2 takes one string or a list for watch paths, ignore_watch, args and node_args. */
export function toList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.map(String);
  return undefined;
}

/** Quoted for /bin/sh only when needed, so that a plain command line stays plain. */
export function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** A list is quoted word by word; a string is already a command line's tail, as PM2 passes it on. */
export function joinArgs(args: unknown): string {
  if (typeof args === 'string') return args.trim();
  return (toList(args) ?? []).map(quoteArg).join(' ');
}
