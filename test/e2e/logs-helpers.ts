// Shared by the logs-*.test.ts files: start an app with log settings the CLI has no flags for,
// and read log files as lines.
import fs from 'node:fs';
import { buildAppSpec } from '../../src/config/app-spec/build-app-spec.js';
import type { LogSpec } from '../../src/protocol/app-spec.js';
import { request } from '../helpers/daemon.js';
import { pm } from '../helpers/run-cli.js';
import type { TestHome } from '../helpers/setup-temp-home.js';

export interface AppOptions {
  args?: string[];
  logs?: Partial<LogSpec>;
  instances?: number;
}

export async function startApp(t: TestHome, name: string, script: string, options: AppOptions = {}) {
  const { args = [], logs = {}, instances = 1 } = options;
  const spec = buildAppSpec(
    { name, script, args, logs, instances },
    { baseDir: t.home, baseEnv: { PATH: process.env.PATH ?? '' } },
  );
  await pm(['ping'], t.env); // the CLI starts the daemon with this home in its environment
  return (await request(t.env, { type: 'apply', apps: [spec] })).instances;
}

/** The lines of a file, without the newlines; none when it does not exist. */
export function linesOf(file: string): string[] {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(0, -1);
  } catch {
    return [];
  }
}
