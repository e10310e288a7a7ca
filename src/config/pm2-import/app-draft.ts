// One pm app being written from a PM2 app: its keys in the order they will be printed, a comment
// for some of them (why a value is what it is), and the warnings about what could not be kept.
import { NO_EQUIVALENT } from './pm2-options.js';

export interface AppDraft {
  entry: Record<string, unknown>;
  /** Dotted key path (`recovery.backoff`) → the comment printed above that key. */
  notes: Map<string, string>;
  /** `key: what was lost and what to do`, without the app's name. */
  warnings: string[];
}

/** Where the PM2 file is read from and where the pm file will be, and what this machine is. */
export interface ImportContext {
  /** PM2 resolves relative paths from where it runs: taken to be the ecosystem file's directory. */
  sourceDir: string;
  /** The directory of the pm config written: its paths are relative to it. */
  outputDir: string;
  cpus: number;
  isFile: (file: string) => boolean;
}

export const newDraft = (): AppDraft => ({ entry: {}, notes: new Map(), warnings: [] });

/** Sets `a.b.c` (creating the sections), with an optional comment above it. */
export function put(draft: AppDraft, keyPath: string, value: unknown, note?: string): void {
  const keys = keyPath.split('.');
  let section = draft.entry;
  for (const key of keys.slice(0, -1)) {
    section[key] ??= {};
    section = section[key] as Record<string, unknown>;
  }
  section[keys.at(-1)!] = value;
  if (note) addNote(draft, keyPath, note);
}

export function addNote(draft: AppDraft, keyPath: string, note: string): void {
  const before = draft.notes.get(keyPath);
  draft.notes.set(keyPath, before ? `${before}\n${note}` : note);
}

export function warn(draft: AppDraft, key: string, message: string): void {
  draft.warnings.push(`${key}: ${message}`);
}

/** An option pm has nothing for, with what to do instead. */
export function warnNoEquivalent(draft: AppDraft, key: string): void {
  warn(draft, key, `no equivalent in pm, left out: ${NO_EQUIVALENT[key] ?? 'nothing to do'}`);
}

export function warnUnreadable(draft: AppDraft, key: string, value: unknown): void {
  warn(
    draft,
    key,
    `found ${JSON.stringify(value) ?? String(value)}, which PM2 would not accept either: left out`,
  );
}
