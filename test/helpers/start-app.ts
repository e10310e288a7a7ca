// Define and start an app through the typed client, for tests where `pm start` itself is not what
// is tested: one CLI process less per test on a loaded machine.
import { type AppInput, buildAppSpec } from '../../src/config/app-spec/build-app-spec.js';
import type { ProcessInfo } from '../../src/protocol/process-info.js';
import { request } from './daemon.js';

export async function startApp(env: NodeJS.ProcessEnv, input: AppInput): Promise<ProcessInfo[]> {
  const baseEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) baseEnv[key] = value;
  const spec = buildAppSpec(input, { baseDir: process.cwd(), baseEnv });
  return (await request(env, { type: 'apply', apps: [spec] })).instances;
}
