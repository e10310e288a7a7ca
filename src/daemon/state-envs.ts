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
