// `pm start|validate config.yaml`: file → text → checked shape → AppSpecs and daemon settings, all
// or nothing. Every problem of the file is reported at once, and nothing comes out of a file that has one.
import path from 'node:path';
import type { AppSpec } from '../../protocol/app-spec.js';
import type { DaemonSettingsChange } from '../../protocol/daemon-settings.js';
import { currentEnv } from '../app-spec/build-app-spec.js';
import { stopOrder } from '../app-spec/stop-order.js';
import { readDependsOn } from './check-dependencies.js';
import type { ConfigFile } from './config-format.js';
import { type ConfigIssue, configError, formatIssue } from './config-issue.js';
import { findInertKeys } from './inert-keys.js';
import { issueAt, parseConfig } from './parse-config.js';
import { readConfigFile } from './read-config-file.js';
import { type ResolveOptions, resolveApps } from './resolve-apps.js';
import { resolveSettings } from './resolve-settings.js';

export interface LoadOptions {
  /** `--env <profile>`: use each app's `env_<profile>:`. */
  profile?: string;
  /** `--only web,worker`: return only these apps (the whole file is still checked). */
  only?: string[];
  /** The environment the apps inherit (default: this process's, minus shell bookkeeping). */
  baseEnv?: Record<string, string>;
  /** Users, groups and hard limits (default: this system's, as this process sees them). */
  host?: ResolveOptions['host'];
}

export interface LoadedConfig {
  /** Absolute path of the file. */
  file: string;
  apps: AppSpec[];
  /** The daemon-wide settings the file sets (process_management.monitoring), and only those. */
  settings: DaemonSettingsChange;
  /** `file:line:column: key.path: message` for each key that is valid but acted on by nothing. */
  warnings: string[];
}

/** Shell bookkeeping that changes from one terminal to the next without changing what an app should see. */
const VOLATILE_ENV = ['PWD', 'OLDPWD', 'SHLVL', '_'];

/** The inherited environment of config apps: stable, so that starting from another directory reconciles to no change. */
function inheritedEnv(): Record<string, string> {
  const env = currentEnv();
  for (const key of VOLATILE_ENV) delete env[key];
  return env;
}

function optionIssues(config: ConfigFile, { profile, only }: LoadOptions): ConfigIssue[] {
  const apps = (config.apps ?? []).filter(Boolean);
  const names = apps.map((app) => app.name);
  const issue = (message: string): ConfigIssue => ({ line: 0, column: 0, path: '', message });
  const issues: ConfigIssue[] = [];
  if (profile !== undefined && !apps.some((app) => app.profiles?.[profile])) {
    const found = [...new Set(apps.flatMap((app) => Object.keys(app.profiles ?? {})))];
    issues.push(
      issue(
        `--env ${profile}: no app has env_${profile}:, expected ${found.length > 0 ? `one of ${found.join(', ')}` : 'an env_<profile>: map in an app'}`,
      ),
    );
  }
  for (const name of only ?? []) {
    if (!names.includes(name))
      issues.push(issue(`--only ${name}: no such app, expected one of ${names.join(', ') || '(no apps)'}`));
  }
  return issues;
}

/** The AppSpecs, daemon settings and warnings of a file; throws one bad-config PmError that lists every problem. */
export function loadConfig(file: string, options: LoadOptions = {}): LoadedConfig {
  const parsed = parseConfig(readConfigFile(file));
  const absolute = path.resolve(file);
  const { specs, issues } = resolveApps(parsed, {
    file: absolute,
    profile: options.profile,
    baseEnv: options.baseEnv ?? inheritedEnv(),
    host: options.host,
  });
  const settings = resolveSettings(parsed.config, (keyPath, message) =>
    issues.push(issueAt(parsed, keyPath, message)),
  );
  const all = [...parsed.issues, ...issues, ...(parsed.isYaml ? optionIssues(parsed.config, options) : [])];
  if (all.length > 0) throw configError(file, all);
  const { only } = options;
  return {
    file: absolute,
    apps: only ? specs.filter((spec) => only.includes(spec.name)) : specs,
    settings,
    warnings: findInertKeys(parsed).map((issue) => formatIssue(file, issue)),
  };
}

/** The app names of a config, for `pm stop|delete config.yaml`: its shape must be valid, its files need not exist. */
/** The app names of a file in waves to stop them in: dependents before what they depend on. */
export function readConfigStopOrder(file: string): string[][] {
  const parsed = parseConfig(readConfigFile(file));
  if (parsed.issues.length > 0) throw configError(file, parsed.issues);
  const apps = (parsed.config.apps ?? []).map((app, i) => ({
    spec: { name: app.name, dependsOn: readDependsOn(app, `apps[${i}]`) },
  }));
  return stopOrder(apps).map((wave) => wave.map((app) => app.spec.name));
}
