// `pm ping` and `pm kill`: the daemon itself.
import type { Command } from 'commander';
import { PmError } from '../../protocol/errors.js';
import type { EventLoopDelay } from '../../protocol/messages.js';
import { formatBytes, formatDuration } from '../output/format.js';
import { describeSettings } from '../output/settings-text.js';
import { withDaemon } from '../session.js';

const formatDelayMs = (ms: number): string => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

/** A max in seconds says the daemon stalled at least once since it started. */
function describeLoopDelay({ maxMs, p99Ms }: EventLoopDelay): string {
  return `event loop delay since start: p99 ${formatDelayMs(p99Ms)}, max ${formatDelayMs(maxMs)}`;
}

export function registerDaemon(program: Command): void {
  program
    .command('ping')
    .description('check that the daemon answers (starts it if needed)')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      const reply = await withDaemon((client) => client.request({ type: 'ping' }));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(reply)}\n`);
        return;
      }
      process.stdout.write(
        `pong: daemon ${reply.pid} (pm ${reply.daemonVersion}, protocol ${reply.protocolVersion}), up ${formatDuration(reply.uptimeMs)}, ` +
          `${reply.apps} apps / ${reply.instances} instances, ${formatBytes(reply.memoryBytes)} RSS, home ${reply.home}\n` +
          `settings: ${describeSettings(reply.settings)}${reply.prometheusError ? ` (not served: ${reply.prometheusError})` : ''}\n` +
          `${describeLoopDelay(reply.eventLoopDelay)}\n` +
          `isolation: ${reply.isolation.summary}\n` +
          `process table: ${reply.processTable}\n`,
      );
    });

  program
    .command('kill')
    .description('stop every app, then the daemon')
    .action(async () => {
      try {
        const { stopped } = await withDaemon((client) => client.request({ type: 'kill' }), {
          autoStart: false,
        });
        process.stdout.write(`daemon stopped (${stopped} instances stopped)\n`);
      } catch (error) {
        if (error instanceof PmError && error.code === 'daemon-unavailable') {
          process.stdout.write('no daemon running\n');
          return;
        }
        throw error;
      }
    });
}
