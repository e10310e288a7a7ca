// Every key of an AppSpec that carries a user's setting changes the export: it is mapped (the files
// differ) or reported (the report differs). A key added to AppSpec fails to compile here until it
// is listed, and then fails the test until the exporter handles it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_LOGS,
  DEFAULT_MONITORING,
  DEFAULT_POOL,
  DEFAULT_RECOVERY,
  DEFAULT_STOP,
} from '../../../../src/config/defaults.js';
import { exportKubernetes } from '../../../../src/export/kubernetes/export-kubernetes.js';
import type {
  AppSpec,
  LimitsSpec,
  LogSpec,
  MonitoringSpec,
  PoolSpec,
  RecoveryPolicy,
  StopPolicy,
} from '../../../../src/protocol/app-spec.js';
import { DB, EVERY_KEY, specOf } from './fixtures.js';

/** The keys that are no user setting, and why the export leaves them out. */
const NOT_SETTINGS: Partial<Record<keyof AppSpec, string>> = {
  source: 'where the definition came from',
  baseEnv: "the exporting shell's environment: a container gets the image's",
};

/** Keys the fixture leaves at their default, since the service it describes cannot have them: set instead. */
const SET_INSTEAD: Partial<AppSpec> = { type: 'task' };

const TOP_KEYS = {
  name: 1,
  run: 1,
  cwd: 1,
  env: 1,
  baseEnv: 1,
  instances: 1,
  stop: 1,
  recovery: 1,
  limits: 1,
  health: 1,
  logs: 1,
  pool: 1,
  monitoring: 1,
  source: 1,
  runAs: 1,
  umask: 1,
  rlimits: 1,
  envInherit: 1,
  listen: 1,
  listenTimeoutMs: 1,
  waitReady: 1,
  type: 1,
  dependsOn: 1,
  schedule: 1,
  watch: 1,
  incrementVar: 1,
} satisfies Record<keyof AppSpec, 1>;

/** The nested policies, each with the value a key returns to (absent: the key is removed). */
const NESTED = {
  stop: {
    defaults: DEFAULT_STOP,
    keys: { signal: 1, killTimeoutMs: 1 } satisfies Record<keyof StopPolicy, 1>,
  },
  recovery: {
    defaults: DEFAULT_RECOVERY,
    keys: {
      autoRestart: 1,
      maxRestarts: 1,
      restartWindowMs: 1,
      minUptimeMs: 1,
      restartDelayMs: 1,
      backoffMaxMs: 1,
      stopExitCodes: 1,
      retryAfterMs: 1,
    } satisfies Record<keyof RecoveryPolicy, 1>,
  },
  limits: {
    defaults: {},
    keys: {
      maxMemoryBytes: 1,
      hardMemoryBytes: 1,
      cpu: 1,
      maxProcs: 1,
      maxFds: 1,
      bestEffort: 1,
    } satisfies Record<keyof LimitsSpec, 1>,
  },
  logs: {
    defaults: DEFAULT_LOGS,
    keys: {
      outFile: 1,
      errFile: 1,
      merge: 1,
      timestamps: 1,
      format: 1,
      maxSizeBytes: 1,
      maxFiles: 1,
      compress: 1,
    } satisfies Record<keyof LogSpec, 1>,
  },
  pool: {
    defaults: DEFAULT_POOL,
    keys: {
      minSize: 1,
      maxSize: 1,
      idleTimeoutMs: 1,
      targetCpuPercent: 1,
      cooldownMs: 1,
      queue: 1,
    } satisfies Record<keyof PoolSpec, 1>,
  },
  monitoring: {
    defaults: DEFAULT_MONITORING,
    keys: { metricsCollection: 1, alerting: 1 } satisfies Record<keyof MonitoringSpec, 1>,
  },
};

function exported(spec: AppSpec): string {
  const { files, report } = exportKubernetes([spec, DB], { file: 'pm.yaml' });
  return JSON.stringify({ files: files.filter((file) => !file.name.startsWith('db.')), report });
}

function withDefault(object: object, key: string, defaults: object): object {
  const copy: Record<string, unknown> = { ...object };
  if (key in defaults) copy[key] = (defaults as Record<string, unknown>)[key];
  else delete copy[key];
  return copy;
}

const baseline = exported(EVERY_KEY);

test('the fixture sets every key, each to a value other than its default', () => {
  assert.deepEqual(Object.keys({ ...EVERY_KEY, ...SET_INSTEAD }).sort(), Object.keys(TOP_KEYS).sort());
  for (const [field, { keys }] of Object.entries(NESTED))
    assert.deepEqual(
      Object.keys(EVERY_KEY[field as keyof typeof NESTED]!).sort(),
      Object.keys(keys).sort(),
      field,
    );
});

test('each top-level key, set back to its default (or set), changes the files or the report', () => {
  for (const key of Object.keys(TOP_KEYS) as (keyof AppSpec)[]) {
    if (NOT_SETTINGS[key]) continue;
    const changed = (
      key in SET_INSTEAD ? { ...EVERY_KEY, [key]: SET_INSTEAD[key] } : withDefault(EVERY_KEY, key, specOf())
    ) as AppSpec;
    assert.ok(exported(changed) !== baseline, `${key} is neither mapped nor reported`);
  }
});

test('each key of a policy, set back to its default, changes the files or the report', () => {
  for (const [field, { defaults, keys }] of Object.entries(NESTED)) {
    for (const key of Object.keys(keys)) {
      const policy = withDefault(EVERY_KEY[field as keyof typeof NESTED]!, key, defaults);
      const changed = { ...EVERY_KEY, [field]: policy } as AppSpec;
      assert.ok(exported(changed) !== baseline, `${field}.${key} is neither mapped nor reported`);
    }
  }
});

test('the shell environment (baseEnv) is not exported', () => {
  assert.doesNotMatch(baseline, /\/root|"PATH"/);
});
