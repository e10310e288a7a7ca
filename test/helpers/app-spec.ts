// A complete AppSpec with pm's defaults, so that a unit test names only what it sets.
import {
  DEFAULT_LOGS,
  DEFAULT_MONITORING,
  DEFAULT_RECOVERY,
  DEFAULT_STOP,
} from '../../src/config/defaults.js';
import type { AppSpec } from '../../src/protocol/app-spec.js';

export function specWithDefaults(overrides: Partial<AppSpec> = {}): AppSpec {
  return {
    name: 'web',
    run: { file: '/bin/app', args: [], display: 'app' },
    cwd: '/',
    env: {},
    baseEnv: {},
    instances: 1,
    stop: DEFAULT_STOP,
    recovery: DEFAULT_RECOVERY,
    limits: {},
    health: [],
    logs: DEFAULT_LOGS,
    monitoring: DEFAULT_MONITORING,
    ...overrides,
  };
}
