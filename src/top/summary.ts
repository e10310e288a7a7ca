// The header of `pm top` as plain values and text: instance counts by state, the totals, and the
// daemon's own footprint. Shared by the live view and the one-shot snapshot.
import { formatBytes, formatCpu, formatDuration } from '../cli/output/format.js';
import type { DaemonUsage } from '../protocol/monitoring.js';
import type { ProcessInfo, ProcessStatus } from '../protocol/process-info.js';

export interface Totals {
  instances: number;
  byStatus: Partial<Record<ProcessStatus, number>>;
  cpuPercent: number;
  memoryBytes: number;
}

export function totalsOf(processes: ProcessInfo[]): Totals {
  const totals: Totals = { instances: processes.length, byStatus: {}, cpuPercent: 0, memoryBytes: 0 };
  for (const p of processes) {
    totals.byStatus[p.status] = (totals.byStatus[p.status] ?? 0) + 1;
    totals.cpuPercent += p.cpuPercent ?? 0;
    totals.memoryBytes += p.memoryBytes ?? 0;
  }
  return totals;
}

/** `12 instances: 10 online, 1 errored, 1 stopped` */
export function countsText(totals: Totals): string {
  const parts = Object.entries(totals.byStatus).map(([status, count]) => `${count} ${status}`);
  const noun = totals.instances === 1 ? 'instance' : 'instances';
  return `${totals.instances} ${noun}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}

export function totalsText(totals: Totals): string {
  return `cpu ${formatCpu(totals.cpuPercent)} · mem ${formatBytes(totals.memoryBytes)}`;
}

/** `daemon pid 812 · cpu 0.4% · mem 61 MB · up 2h` */
export function daemonText(daemon: DaemonUsage | null, now: number): string {
  if (!daemon) return 'daemon: connecting…';
  return `daemon pid ${daemon.pid} · cpu ${formatCpu(daemon.cpuPercent)} · mem ${formatBytes(daemon.memoryBytes)} · up ${formatDuration(now - daemon.startedAt)}`;
}
