// `user:` and `group:` → the uid, gid and home an app runs with, resolved when the app is defined
// (a name that does not exist is refused then, not found at each spawn). Like systemd's User= and
// Group=: a user alone runs with its primary group, a group alone keeps pm's own user.
import type { RunAsSpec } from '../../protocol/app-spec.js';
import { systemUserDb, type UserDb, type UserEntry } from './user-db.js';

export interface RunAsInput {
  /** A name, or a uid (a number, or a string of digits). */
  user?: string | number;
  group?: string | number;
}

export interface RunAsHost {
  /** The uid of this pm: only root may switch users. */
  uid: number;
  db: UserDb;
}

export interface RunAsProblem {
  key: 'user' | 'group';
  message: string;
}

/** The user resolved, or every problem of `user:` and `group:` (both are checked). */
export type RunAsResult = { runAs?: RunAsSpec } | { problems: RunAsProblem[] };

export const currentHost = (): RunAsHost => ({ uid: process.getuid?.() ?? -1, db: systemUserDb });

/** Why a pm running as `uid` cannot run apps as another user, in one line. */
export const needsRoot = (uid: number): string =>
  `only a pm running as root can run an app as another user or group, and this one runs as uid ${uid}`;

const asId = (key: string | number): string | number =>
  typeof key === 'string' && /^\d+$/.test(key) ? Number(key) : key;

const shown = (key: string | number) => (typeof key === 'number' ? String(key) : JSON.stringify(key));

/** A uid with no entry runs as is: its own number as gid (never root's group 0), home `/`. */
function userOf(key: string | number, db: UserDb): UserEntry | undefined {
  const id = asId(key);
  const entry = db.findUser(id);
  if (entry || typeof id === 'string') return entry;
  return { name: String(id), uid: id, gid: id, home: '/' };
}

function groupOf(key: string | number, db: UserDb): number | undefined {
  const id = asId(key);
  return typeof id === 'number' ? id : db.findGroup(id)?.gid;
}

export function resolveRunAs(input: RunAsInput, host: RunAsHost = currentHost()): RunAsResult {
  const { user, group } = input;
  if (user === undefined && group === undefined) return {};
  if (host.uid !== 0) {
    const key = user !== undefined ? 'user' : 'group';
    return { problems: [{ key, message: `found ${shown((user ?? group)!)}, but ${needsRoot(host.uid)}` }] };
  }
  const entry = userOf(user ?? host.uid, host.db);
  const gid = group === undefined ? entry?.gid : groupOf(group, host.db);
  const problems: RunAsProblem[] = [];
  if (!entry) {
    const message = `found ${shown(user!)}, expected a user of this system (none in /etc/passwd or getent passwd)`;
    problems.push({ key: 'user', message });
  }
  if (group !== undefined && gid === undefined) {
    const message = `found ${shown(group)}, expected a group of this system (none in /etc/group or getent group)`;
    problems.push({ key: 'group', message });
  }
  if (!entry || gid === undefined) return { problems };
  return { runAs: { user: entry.name, uid: entry.uid, gid, home: entry.home } };
}
