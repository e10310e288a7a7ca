// What a new definition of an app changes, in the words of its config keys: `pm start cfg.yaml`
// applied again says per app what it did and why ("restarted: env, command changed").
import { isDeepStrictEqual } from 'node:util';
import type { AppSpec } from '../../protocol/app-spec.js';

/** The config key (or what the user knows it as) of each AppSpec field. */
const KEY_NAMES: Partial<Record<keyof AppSpec, string>> = {
  run: 'command',
  baseEnv: 'the inherited environment',
  stop: 'stop',
  recovery: 'recovery',
  limits: 'limits',
  health: 'health',
  logs: 'logs',
  monitoring: 'monitoring',
  source: 'the config file',
  runAs: 'user',
  envInherit: 'env_inherit',
  listen: 'listen',
  listenTimeoutMs: 'listen_timeout',
  waitReady: 'wait_ready',
  dependsOn: 'depends_on',
  schedule: 'cron',
};

/** The keys whose values differ, a count and pool bounds aside (they scale, not redefine). */
export function changedKeys(before: AppSpec, after: AppSpec): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)] as Array<keyof AppSpec>);
  const changed: string[] = [];
  for (const key of keys) {
    if (key === 'instances' || key === 'pool') continue;
    if (!isDeepStrictEqual(before[key], after[key])) changed.push(KEY_NAMES[key] ?? key);
  }
  return changed;
}
