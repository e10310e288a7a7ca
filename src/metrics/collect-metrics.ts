// The figures other tools scrape: per instance cpu, memory, restarts, state, health and uptime
// (labelled name/index/id), plus the daemon's own footprint. One source for `pm metrics` and /metrics.
import type { DaemonUsage, MetricFamily } from '../protocol/monitoring.js';
import { HEALTH_STATES, PROCESS_STATUSES, type ProcessInfo } from '../protocol/process-info.js';

type Labels = Record<string, string>;

const labelsOf = (p: ProcessInfo): Labels => ({ name: p.name, index: String(p.index), id: String(p.id) });

function family(
  name: string,
  type: MetricFamily['type'],
  help: string,
  samples: MetricFamily['samples'],
): MetricFamily {
  return { name, type, help, samples };
}

export function collectMetrics(infos: ProcessInfo[], daemon: DaemonUsage, now: number): MetricFamily[] {
  const sampled = infos.filter((p) => p.cpuPercent !== null && p.memoryBytes !== null);
  return [
    family(
      'pm_instance_cpu_percent',
      'gauge',
      'CPU used by the instance process tree, in percent of one core.',
      sampled.map((p) => ({ labels: labelsOf(p), value: p.cpuPercent! })),
    ),
    family(
      'pm_instance_memory_bytes',
      'gauge',
      'Resident memory of the instance process tree, in bytes.',
      sampled.map((p) => ({ labels: labelsOf(p), value: p.memoryBytes! })),
    ),
    family(
      'pm_instance_open_fds',
      'gauge',
      'Open file descriptors of the instance process tree (counted every few samples).',
      infos.filter((p) => p.openFds !== null).map((p) => ({ labels: labelsOf(p), value: p.openFds! })),
    ),
    family(
      'pm_instance_restarts_total',
      'counter',
      'Restarts of the instance since it was defined.',
      infos.map((p) => ({ labels: labelsOf(p), value: p.restarts })),
    ),
    family(
      'pm_instance_uptime_seconds',
      'gauge',
      'Time since the current run started; 0 when not running.',
      infos.map((p) => ({
        labels: labelsOf(p),
        value: p.startedAt === null ? 0 : Math.max(0, (now - p.startedAt) / 1000),
      })),
    ),
    family(
      'pm_instance_state',
      'gauge',
      'Lifecycle state of the instance: 1 for the current state, 0 for the others.',
      infos.flatMap((p) =>
        PROCESS_STATUSES.map((state) => ({
          labels: { ...labelsOf(p), state },
          value: p.status === state ? 1 : 0,
        })),
      ),
    ),
    family(
      'pm_instance_health',
      'gauge',
      'Health of the instance: 1 for the current verdict, 0 for the others.',
      infos.flatMap((p) =>
        HEALTH_STATES.map((health) => ({
          labels: { ...labelsOf(p), health },
          value: p.health === health ? 1 : 0,
        })),
      ),
    ),
    family('pm_daemon_cpu_percent', 'gauge', 'CPU used by the pm daemon, in percent of one core.', [
      { labels: {}, value: daemon.cpuPercent ?? 0 },
    ]),
    family('pm_daemon_memory_bytes', 'gauge', 'Resident memory of the pm daemon, in bytes.', [
      { labels: {}, value: daemon.memoryBytes },
    ]),
    family('pm_daemon_uptime_seconds', 'gauge', 'Time since the pm daemon started.', [
      { labels: {}, value: Math.max(0, (now - daemon.startedAt) / 1000) },
    ]),
  ];
}
