// `pm metrics`: every instance's figures in the Prometheus text format (or as JSON), from the
// daemon's latest sample; the same text that PM_PROMETHEUS_PORT serves on 127.0.0.1.
import type { Command } from 'commander';
import { formatPrometheus } from '../../metrics/prometheus-text.js';
import { withDaemon } from '../session.js';

export function registerMetrics(program: Command): void {
  program
    .command('metrics')
    .description(
      'print cpu, memory, restarts, state, health and uptime per instance in the Prometheus format',
    )
    .option('--json', 'print the metric families as JSON')
    .action(async (options: { json?: boolean }) => {
      const families = await withDaemon((client) => client.request({ type: 'metrics' }));
      process.stdout.write(
        options.json ? `${JSON.stringify(families, null, 2)}\n` : formatPrometheus(families),
      );
    });
}
