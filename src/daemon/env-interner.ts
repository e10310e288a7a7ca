// Every app defined from one shell carries the same environment (its `baseEnv`, often a few KB):
// the daemon keeps one object per distinct environment, so that 1000 apps from one config hold it
// once (and the state file's JSON of it is made once), not 1000 times.
export class EnvInterner {
  private readonly byJson = new Map<string, WeakRef<Record<string, string>>>();
  /** An environment no app holds any more is forgotten once it is collected. */
  private readonly registry = new FinalizationRegistry<string>((json) => {
    if (!this.byJson.get(json)?.deref()) this.byJson.delete(json);
  });

  intern(env: Record<string, string>): Record<string, string> {
    const json = JSON.stringify(env);
    const known = this.byJson.get(json)?.deref();
    if (known) return known;
    this.byJson.set(json, new WeakRef(env));
    this.registry.register(env, json);
    return env;
  }
}
