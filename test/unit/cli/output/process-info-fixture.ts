import type { ProcessInfo } from '../../../../src/protocol/process-info.js';

export const NOW = 1_700_000_000_000;

/** An online instance started an hour, two minutes and three seconds before NOW. */
export function processInfo(overrides: Partial<ProcessInfo> = {}): ProcessInfo {
  return {
    id: 0,
    name: 'web',
    index: 0,
    pid: 4242,
    status: 'online',
    reason: '',
    health: 'healthy',
    restarts: 2,
    startedAt: NOW - 3_723_000,
    cpuPercent: 1.5,
    memoryBytes: 50 * 1024 * 1024,
    openFds: 12,
    lastExit: null,
    restartAt: null,
    outLog: '/home/u/.pm/logs/web-0.out.log',
    errLog: '/home/u/.pm/logs/web-0.err.log',
    ...overrides,
  };
}
