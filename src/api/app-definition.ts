// What `pm.start()` starts: an app defined as `pm start <script>` defines one (the same defaults,
// the caller's cwd and environment), or the apps of a config file as `pm start pm.yaml` loads them.
import { type AppInput, buildAppSpec, currentEnv } from '../config/app-spec/build-app-spec.js';
import { checkCwd, checkProgram } from '../config/app-spec/check-run.js';
import { isConfigPath } from '../config/file/config-path.js';
import type { AppSpec } from '../protocol/app-spec.js';
import type { DaemonSettingsChange } from '../protocol/daemon-settings.js';
import { PmError } from '../protocol/errors.js';
import { quoteText } from '../protocol/escape-text.js';

/**
 * An app to start: `script` is a .js/.mjs/.cjs file (run with node), an executable or a shell
 * line; everything else is optional and takes the CLI's defaults. Durations are in ms and sizes in
 * bytes (`stop: { killTimeoutMs: 2000 }`); `cwd` is relative to process.cwd().
 */
export type AppDefinition = Omit<AppInput, 'source'>;

/** Options that only a config file takes, as `pm start file --env <profile> --only a,b --force`. */
export interface ConfigStartOptions {
  /** Use each app's `env_<profile>:`. */
  profile?: string;
  /** Start only these apps of the file (the whole file is still checked). */
  only?: string[];
  /** Replace apps of the same names defined elsewhere (the command line, another file). */
  force?: boolean;
}

export interface AppsToStart {
  apps: AppSpec[];
  /** The file's daemon-wide settings; absent when it sets none. */
  settings?: DaemonSettingsChange;
  /** Keys of the file that nothing acts on (`file:line:column: key: message`). */
  warnings: string[];
}

export function buildDefinedApp(definition: AppDefinition): AppSpec {
  // Checked at run time too: a JavaScript caller has no compiler to say so.
  if (typeof definition?.script !== 'string' || definition.script === '') {
    throw new PmError('bad-request', 'an app definition needs a script: start({ script: "server.js" })');
  }
  const spec = buildAppSpec(definition, { baseDir: process.cwd(), baseEnv: currentEnv() });
  // Refused before the daemon sees it, as by `pm start`: a typo leaves no errored app defined.
  const badCwd = checkCwd(spec.cwd);
  if (badCwd) throw new PmError('bad-request', `app "${spec.name}": cwd ${spec.cwd}: ${badCwd}`);
  const badProgram = checkProgram(spec);
  if (badProgram) throw new PmError('bad-request', `app "${spec.name}": ${badProgram}: nothing was started`);
  return spec;
}

export async function loadConfigApps(file: string, options: ConfigStartOptions): Promise<AppsToStart> {
  if (!isConfigPath(file)) {
    throw new PmError(
      'bad-request',
      `${quoteText(file, 80)} is not a config file (.yaml, .yml, .json): to start a script pass { script: ${quoteText(file, 80)} }, and to start a stopped app restart() it`,
    );
  }
  // The YAML loader only when a config file is started.
  const { loadConfig } = await import('../config/file/load-config.js');
  const { apps, settings, warnings } = loadConfig(file, { profile: options.profile, only: options.only });
  return { apps, ...(Object.keys(settings).length > 0 && { settings }), warnings };
}
