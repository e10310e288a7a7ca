// pool: as a HorizontalPodAutoscaler. The CPU target is converted from pm's percent of one core to
// the HPA's percent of the cpu request (see map-resources.ts); a queue becomes an External metric
// that something in the cluster must serve.
import type { AppSpec, PoolSpec } from '../../protocol/app-spec.js';
import type { Manifest, Mapped } from './manifest.js';
import { toSeconds } from './quantities.js';

/** The longest stabilization window an HPA accepts (one hour). */
const MAX_WINDOW_SECONDS = 3600;

export function queueMetricName(app: string): string {
  return `pm-queue-${app}`;
}

function windowOf(ms: number, key: string, spec: AppSpec, report: string[]): number {
  const seconds = toSeconds(ms);
  if (seconds <= MAX_WINDOW_SECONDS) return seconds;
  report.push(`${spec.name}: pool.${key}: ${seconds}s; an HPA's window is at most ${MAX_WINDOW_SECONDS}s`);
  return MAX_WINDOW_SECONDS;
}

function queueMetric(pool: PoolSpec, name: string): object[] {
  if (!pool.queue) return [];
  return [
    {
      type: 'External',
      external: {
        metric: { name: queueMetricName(name) },
        target: { type: 'AverageValue', averageValue: String(pool.queue.perInstance) },
      },
    },
  ];
}

export function mapAutoscaler(spec: AppSpec, pool: PoolSpec, meta: Manifest['metadata']): Mapped<Manifest> {
  const report: string[] = [];
  const cores = spec.limits.cpu ?? 1;
  const averageUtilization = Math.max(1, Math.round(pool.targetCpuPercent / cores));
  const notes = [
    `pm's target_cpu ${pool.targetCpuPercent}% is of one core; averageUtilization is of the cpu request (${cores} core${cores === 1 ? '' : 's'}), hence ${averageUtilization}.`,
    'idle_timeout is the scale-down window and cooldown the scale-up window: both smooth decisions, neither waits for an instance to be idle.',
  ];
  if (pool.queue) {
    const check = pool.queue.check.type === 'exec' ? pool.queue.check.command : pool.queue.check.url;
    notes.push(
      `External metric ${queueMetricName(meta.name)}: the jobs waiting (pm ran ${check}); serve it with KEDA or an external metrics adapter (e.g. prometheus-adapter).`,
    );
    report.push(
      `${spec.name}: pool.queue: an External metric ${queueMetricName(meta.name)} that KEDA or a metrics adapter must provide`,
    );
  }
  const hpa = {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: meta.name },
    minReplicas: pool.minSize,
    maxReplicas: pool.maxSize,
    metrics: [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization } } },
      ...queueMetric(pool, meta.name),
    ],
    behavior: {
      scaleDown: { stabilizationWindowSeconds: windowOf(pool.idleTimeoutMs, 'idle_timeout', spec, report) },
      scaleUp: { stabilizationWindowSeconds: windowOf(pool.cooldownMs, 'cooldown', spec, report) },
    },
  };
  return {
    value: {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta,
      spec: hpa,
      notes,
    },
    report,
  };
}
