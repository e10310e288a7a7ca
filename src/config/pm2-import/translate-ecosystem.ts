// Every app of an ecosystem file translated, each under a name pm accepts and no other app has,
// with the warnings of all of them named after their app.
import path from 'node:path';
import { APP_NAME_PATTERN } from '../../protocol/target.js';
import { type AppDraft, type ImportContext, newDraft, put, warn, warnNoEquivalent } from './app-draft.js';
import type { Ecosystem, Pm2App } from './load-ecosystem.js';
import { canonicalOptions, NO_EQUIVALENT } from './pm2-options.js';
import { POLICY_KEYS, translatePolicies } from './translate-policies.js';
import { PROCESS_KEYS, translateProcess } from './translate-process.js';

export interface Translation {
  apps: AppDraft[];
  /** `pm: warning:` lines: `app: key: what was lost and what to do`. */
  warnings: string[];
}

const HANDLED: ReadonlySet<string> = new Set([...PROCESS_KEYS, ...POLICY_KEYS]);

/** What the file said beside `apps`. */
const TOP_LEVEL_ADVICE: Readonly<Record<string, string>> = {
  deploy:
    'pm does not deploy: pull and build with your own tooling, then `pm start pm.yaml` applies the changes',
};

/** PM2 names an app after its script when it has no name, and allows any text and duplicates. */
function nameApp(app: Pm2App, taken: ReadonlySet<string>): string {
  const given = typeof app.name === 'string' && app.name.trim() !== '' ? app.name.trim() : undefined;
  const wanted = given ?? path.basename(String(app.script)).replace(/\.[^.]*$/, '');
  let name = wanted
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[^A-Za-z0-9_]+/, '')
    .slice(0, 64);
  if (!APP_NAME_PATTERN.test(name)) name = `app-${name}`.slice(0, 64);
  const base = name;
  for (let n = 2; taken.has(name); n++) name = `${base.slice(0, 60)}-${n}`;
  return name;
}

function translateApp(app: Pm2App, name: string, context: ImportContext): AppDraft {
  const options = canonicalOptions(app);
  const draft = newDraft();
  put(draft, 'name', name);
  if (typeof app.name === 'string' && app.name !== name) {
    warn(draft, 'name', `"${app.name}" is not a name pm accepts or is taken: renamed "${name}"`);
  }
  translateProcess(options, context, draft);
  translatePolicies(options, context, draft);
  for (const key of Object.keys(options)) {
    if (HANDLED.has(key) || key.startsWith('env_')) continue;
    if (key in NO_EQUIVALENT) warnNoEquivalent(draft, key);
    else warn(draft, key, 'not a PM2 option this import knows: left out');
  }
  return draft;
}

export function translateEcosystem(ecosystem: Ecosystem, context: ImportContext): Translation {
  const taken = new Set<string>();
  const apps = ecosystem.apps.map((app) => {
    const name = nameApp(app, taken);
    taken.add(name);
    return translateApp(app, name, context);
  });
  const warnings = ecosystem.otherKeys.map(
    (key) => `${key}: no equivalent in pm, left out: ${TOP_LEVEL_ADVICE[key] ?? 'nothing to do'}`,
  );
  for (const app of apps) warnings.push(...app.warnings.map((line) => `${app.entry.name}: ${line}`));
  return { apps, warnings };
}
