// Samples every running instance's tree on one interval and hands the figures to the instances
// and to subscribers (top, limits); nothing samples on request, so `list` stays cheap.
import { EventEmitter } from 'node:events';
import type { UsageSampler } from '../metrics/sample-usage.js';
import type { ProcessPool } from '../supervisor/process-pool.js';

export class Monitor extends EventEmitter<{ sample: [] }> {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly pool: ProcessPool,
    private readonly sampler: UsageSampler,
    private readonly intervalMs: number,
  ) {
    super();
  }

  start(): void {
    this.timer ??= setInterval(() => this.tick(), this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  tick(now = Date.now()): void {
    const running = this.pool.all().filter((p) => p.pid !== null && p.spec.monitoring.metricsCollection);
    if (running.length === 0) return;
    const usage = this.sampler.sample(
      running.map((p) => ({ id: p.id, pgid: p.pid!, tracked: p.trackedPids() })),
      now,
    );
    for (const proc of running) {
      const sample = usage.get(proc.id);
      if (sample) proc.recordUsage(sample);
    }
    this.emit('sample');
  }
}
