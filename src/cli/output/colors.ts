// Colours only for a terminal, and never when NO_COLOR is set (https://no-color.org).
import { Chalk, type ChalkInstance } from 'chalk';
import type { Health, ProcessStatus } from '../../protocol/process-info.js';

export function colorEnabled(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
}

export function createChalk(enabled = colorEnabled()): ChalkInstance {
  return new Chalk({ level: enabled ? 1 : 0 });
}

export function colorStatus(chalk: ChalkInstance, status: ProcessStatus): string {
  switch (status) {
    case 'online':
      return chalk.green(status);
    case 'starting':
    case 'stopping':
    case 'waiting-restart':
      return chalk.yellow(status);
    case 'paused':
      return chalk.cyan(status);
    case 'errored':
      return chalk.red(status);
    case 'stopped':
      return chalk.gray(status);
  }
}

export function colorHealth(chalk: ChalkInstance, health: Health): string {
  if (health === 'healthy') return chalk.green(health);
  if (health === 'unhealthy') return chalk.red(health);
  return chalk.gray(health);
}
