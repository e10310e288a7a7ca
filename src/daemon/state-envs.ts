// Every app defined from one shell carries the same environment (its `baseEnv`, often a few KB):
// the state file keeps each distinct one once, under `envs`, and the apps refer to it by index.
// 1000 apps from one config wrote 2 MB per state write before, and about 0.1 MB now.
import type { PoolSnapshot } from '../supervisor/records.js';

/** The state file's pool: each app's spec without its baseEnv, and the index of that in `envs`. */
export interface PackedPool {
  nextId: number;
  envs: Array<Record<string, string>>;
  apps: Array<{ spec: Record<string, unknown>; env: number; instances: unknown }>;
}

export function packEnvs(pool: PoolSnapshot): PackedPool {
  const envs: Array<Record<string, string>> = [];
  const indexOf = new Map<string, number>();
  const apps = pool.apps.map(({ spec: { baseEnv, ...spec }, instances }) => {
    const key = JSON.stringify(baseEnv);
    let env = indexOf.get(key);
    if (env === undefined) {
      env = envs.push(baseEnv) - 1;
      indexOf.set(key, env);
    }
    return { spec, env, instances };
  });
  return { nextId: pool.nextId, envs, apps };
}

/** The pool as it was before packing; what does not fit is left for the snapshot check to refuse. */
export function unpackEnvs(value: unknown): unknown {
  const packed = value as Partial<PackedPool> | null;
  if (!packed || !Array.isArray(packed.envs) || !Array.isArray(packed.apps)) return value;
  const envs = packed.envs;
  return {
    nextId: packed.nextId,
    apps: packed.apps.map((app) => {
      const { spec, env, instances } = (app ?? {}) as Partial<PackedPool['apps'][number]>;
      return { spec: { ...spec, baseEnv: typeof env === 'number' ? envs[env] : undefined }, instances };
    }),
  };
}

/**
 * The state file's text, as JSON.stringify of `{version, pool: packEnvs(pool), settings, journalSeq}` would
 * write it, with each app's definition and environment, and each instance's record, turned into
 * JSON once and kept (keyed by the objects, which the pool replaces and never changes in place):
 * at 1000 apps with a 4.5 KB environment each, stringifying every environment again for each write
 * held the loop for 30 ms, and at 10,000 instances the records took most of a write's time.
 */
export class StateText {
  private readonly specs = new WeakMap<object, string>();
  private readonly envs = new WeakMap<object, string>();
  private readonly records = new WeakMap<object, string>();

  of(version: number, pool: PoolSnapshot, settings: unknown, journalSeq: number): string {
    const envIndex = new Map<string, number>();
    const envs: string[] = [];
    const apps = pool.apps.map(({ spec, instances }) => {
      const envJson = this.cached(this.envs, spec.baseEnv, () => JSON.stringify(spec.baseEnv));
      let env = envIndex.get(envJson);
      if (env === undefined) {
        env = envs.push(envJson) - 1;
        envIndex.set(envJson, env);
      }
      const specJson = this.cached(this.specs, spec, () => {
        const { baseEnv: _, ...rest } = spec;
        return JSON.stringify(rest);
      });
      const records = instances.map((record) =>
        this.cached(this.records, record, () => JSON.stringify(record)),
      );
      return `{"spec":${specJson},"env":${env},"instances":[${records.join(',')}]}`;
    });
    return `{"version":${version},"pool":{"nextId":${JSON.stringify(pool.nextId)},"envs":[${envs.join(',')}],"apps":[${apps.join(',')}]},"settings":${JSON.stringify(settings)},"journalSeq":${journalSeq}}`;
  }

  private cached(cache: WeakMap<object, string>, key: object, make: () => string): string {
    let text = cache.get(key);
    if (text === undefined) {
      text = make();
      cache.set(key, text);
    }
    return text;
  }
}
