// The `pm list` table (cli-table3), coloured for a terminal only.
import Table from 'cli-table3';
import type { ProcessInfo } from '../../protocol/process-info.js';
import { colorHealth, colorStatus, createChalk } from './colors.js';
import { formatBytes, formatCpu, formatUptime } from './format.js';

export interface TableOptions {
  color: boolean;
  now?: number;
  /** Apps defined with no instance (scaled to 0): one row each, after the instances. */
  emptyApps?: readonly string[];
  /** Pooled apps' bounds: the first row of such an app reads `web:0 (2 of 1–3)`. */
  pools?: ReadonlyMap<string, PoolBoundsInfo>;
}

export interface PoolBoundsInfo {
  minSize: number;
  maxSize: number;
}

/** `web:0`, or on the first row of a pooled app its count within the bounds: `web:0 (2 of 1–3)`. */
function nameCell(
  p: ProcessInfo,
  counts: ReadonlyMap<string, number>,
  options: TableOptions,
  first: boolean,
): string {
  const label = `${p.name}:${p.index}`;
  const pool = options.pools?.get(p.name);
  if (!pool || !first) return label;
  return `${label} (${counts.get(p.name)} of ${pool.minSize}–${pool.maxSize})`;
}

/** A failed task's exit, beside its state: ` (code 2)`, ` (SIGKILL)`. */
function failedHow(p: ProcessInfo): string {
  if (p.status !== 'failed' || !p.lastExit) return '';
  return ` (${p.lastExit.signal ?? `code ${p.lastExit.code}`})`;
}

export function renderTable(infos: ProcessInfo[], options: TableOptions): string {
  const chalk = createChalk(options.color);
  const now = options.now ?? Date.now();
  const table = new Table({
    head: ['id', 'name', 'pid', 'state', 'health', 'uptime', '↺', 'cpu', 'mem'],
    style: { head: options.color ? ['cyan'] : [], border: options.color ? ['gray'] : [] },
  });
  const counts = new Map<string, number>();
  for (const p of infos) counts.set(p.name, (counts.get(p.name) ?? 0) + 1);
  const seen = new Set<string>();
  for (const p of infos) {
    const first = !seen.has(p.name);
    seen.add(p.name);
    table.push([
      p.id,
      nameCell(p, counts, options, first),
      p.pid ?? '-',
      colorStatus(chalk, p.status) + failedHow(p),
      colorHealth(chalk, p.health),
      formatUptime(p.startedAt, now),
      p.restarts,
      formatCpu(p.cpuPercent),
      formatBytes(p.memoryBytes),
    ]);
  }
  const emptyApps = options.emptyApps ?? [];
  for (const name of emptyApps) {
    const pool = options.pools?.get(name);
    const label = pool ? `${name} (0 of ${pool.minSize}–${pool.maxSize})` : name;
    table.push(['-', label, '-', `${colorStatus(chalk, 'stopped')} (0 instances)`, '-', '-', '-', '-', '-']);
  }
  return infos.length + emptyApps.length === 0
    ? 'no processes: start one with `pm start <script|command>`'
    : table.toString();
}
