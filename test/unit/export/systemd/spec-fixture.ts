// A complete AppSpec with pm's defaults and a real program (verify needs ExecStart's binary to exist).
import type { AppSpec } from '../../../../src/protocol/app-spec.js';
import { specWithDefaults } from '../../../helpers/app-spec.js';

export function appSpec(overrides: Partial<AppSpec> = {}): AppSpec {
  return specWithDefaults({
    run: { file: '/bin/sleep', args: ['1000'], display: 'sleep 1000' },
    cwd: '/tmp',
    baseEnv: { PATH: '/usr/bin:/bin', SECRET_OF_THE_SHELL: 'x' },
    source: '/srv/pm.yaml',
    ...overrides,
  });
}
