// A complete AppSpec with pm's defaults and a real program (verify needs ExecStart's binary to exist).
import {
  DEFAULT_LOGS,
  DEFAULT_MONITORING,
  DEFAULT_RECOVERY,
  DEFAULT_STOP,
} from '../../../../src/config/defaults.js';
import type { AppSpec } from '../../../../src/protocol/app-spec.js';

export function appSpec(overrides: Partial<AppSpec> = {}): AppSpec {
  return {
    name: 'web',
    run: { file: '/bin/sleep', args: ['1000'], display: 'sleep 1000' },
    cwd: '/tmp',
    env: {},
    baseEnv: { PATH: '/usr/bin:/bin', SECRET_OF_THE_SHELL: 'x' },
    instances: 1,
    stop: DEFAULT_STOP,
    recovery: DEFAULT_RECOVERY,
    limits: {},
    health: [],
    logs: DEFAULT_LOGS,
    monitoring: DEFAULT_MONITORING,
    source: '/srv/pm.yaml',
    ...overrides,
  };
}
