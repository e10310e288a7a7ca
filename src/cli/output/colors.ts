// Colours only for a terminal, and never when NO_COLOR is set (https://no-color.org).
import { Chalk, type ChalkInstance } from 'chalk';
import type { Health, ProcessStatus } from '../../protocol/process-info.js';

export function colorEnabled(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
}

export function createChalk(enabled = colorEnabled()): ChalkInstance {
  return new Chalk({ level: enabled ? 1 : 0 });
}

// One table for the CLI (chalk) and `pm top` (ink): both take these names. Green good, yellow in
// motion, red failed, cyan paused, grey at rest.
type StateColor = 'green' | 'yellow' | 'cyan' | 'red' | 'gray';

export const STATUS_COLOR: Record<ProcessStatus, StateColor> = {
  online: 'green',
  starting: 'yellow',
  stopping: 'yellow',
  'waiting-restart': 'yellow',
  paused: 'cyan',
  errored: 'red',
  stopped: 'gray',
  completed: 'green',
  failed: 'red',
  waiting: 'yellow',
  blocked: 'red',
};

export const HEALTH_COLOR: Record<Health, StateColor> = {
  healthy: 'green',
  unhealthy: 'red',
  unknown: 'gray',
};

export function colorStatus(chalk: ChalkInstance, status: ProcessStatus): string {
  return chalk[STATUS_COLOR[status]](status);
}

export function colorHealth(chalk: ChalkInstance, health: Health): string {
  return chalk[HEALTH_COLOR[health]](health);
}
