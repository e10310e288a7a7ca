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
}

export function renderTable(infos: ProcessInfo[], options: TableOptions): string {
  const chalk = createChalk(options.color);
  const now = options.now ?? Date.now();
  const table = new Table({
    head: ['id', 'name', 'pid', 'state', 'health', 'uptime', '↺', 'cpu', 'mem'],
    style: { head: options.color ? ['cyan'] : [], border: options.color ? ['gray'] : [] },
  });
  for (const p of infos) {
    table.push([
      p.id,
      `${p.name}:${p.index}`,
      p.pid ?? '-',
      colorStatus(chalk, p.status),
      colorHealth(chalk, p.health),
      formatUptime(p.startedAt, now),
      p.restarts,
      formatCpu(p.cpuPercent),
      formatBytes(p.memoryBytes),
    ]);
  }
  const emptyApps = options.emptyApps ?? [];
  for (const name of emptyApps) {
    table.push(['-', name, '-', `${colorStatus(chalk, 'stopped')} (0 instances)`, '-', '-', '-', '-', '-']);
  }
  return infos.length + emptyApps.length === 0
    ? 'no processes: start one with `pm start <script|command>`'
    : table.toString();
}
