// Every app defined from one shell carries the same environment (its `baseEnv`, often a few KB),
// and the apps of one config mostly the same settings (stop, recovery, logs, ...): the daemon keeps
// one object per distinct value, so that 1000 apps from one config hold each once (and the state
// file's JSON of the environment is made once), not 1000 times. Nothing changes a spec in place.
import type { AppSpec } from '../protocol/app-spec.js';

export class EnvInterner {
  private readonly byJson = new Map<string, WeakRef<object>>();
  /** A value no app holds any more is forgotten once it is collected. */
  private readonly registry = new FinalizationRegistry<string>((json) => {
    if (!this.byJson.get(json)?.deref()) this.byJson.delete(json);
  });

  intern<T extends object>(value: T): T {
    const json = JSON.stringify(value);
    const known = this.byJson.get(json)?.deref();
    if (known) return known as T;
    this.byJson.set(json, new WeakRef(value));
    this.registry.register(value, json);
    return value;
  }

  /** The spec with its environment and each of its other parts that is an object or array shared.
   * (A part is compared by its JSON: the specs come from JSON, so no part holds an undefined.) */
  internSpec(spec: AppSpec): AppSpec {
    const shared: Record<string, unknown> = { ...spec };
    for (const [key, value] of Object.entries(shared))
      if (typeof value === 'object' && value !== null) shared[key] = this.intern(value);
    return shared as unknown as AppSpec;
  }
}
