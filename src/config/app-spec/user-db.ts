// Users and groups by name or number: /etc/passwd and /etc/group first (what useradd writes), then
// `getent`, which asks NSS (LDAP, sssd, systemd's dynamic users) for what the files do not hold.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export interface UserEntry {
  name: string;
  uid: number;
  /** The primary group. */
  gid: number;
  home: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
}

/** Where users and groups are looked up; tests pass a fake. */
export interface UserDb {
  findUser: (nameOrUid: string | number) => UserEntry | undefined;
  findGroup: (nameOrGid: string | number) => GroupEntry | undefined;
}

const ID = /^\d+$/;

/** `name:password:uid:gid:gecos:home:shell` lines; comments, blanks and malformed lines are skipped. */
export function parsePasswd(text: string): UserEntry[] {
  return text.split('\n').flatMap((line) => {
    const [name, , uid, gid, , home] = line.split(':');
    if (!name || line.startsWith('#') || !ID.test(uid ?? '') || !ID.test(gid ?? '')) return [];
    return [{ name, uid: Number(uid), gid: Number(gid), home: home || '/' }];
  });
}

/** `name:password:gid:members` lines. */
export function parseGroup(text: string): GroupEntry[] {
  return text.split('\n').flatMap((line) => {
    const [name, , gid] = line.split(':');
    if (!name || line.startsWith('#') || !ID.test(gid ?? '')) return [];
    return [{ name, gid: Number(gid) }];
  });
}

function readOr(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** `getent <database> <key>`'s line, or '' when there is none (exit 2) or no getent at all. */
function getent(database: 'passwd' | 'group', key: string | number): string {
  try {
    return execFileSync('getent', [database, String(key)], { encoding: 'utf8', timeout: 5000 });
  } catch {
    return '';
  }
}

const matches = (entry: { name: string }, id: number, key: string | number) =>
  typeof key === 'number' ? id === key : entry.name === key;

/** The system's users and groups, read at each lookup (a definition happens once per `pm start`). */
export const systemUserDb: UserDb = {
  findUser: (key) => {
    const match = (entry: UserEntry) => matches(entry, entry.uid, key);
    return parsePasswd(readOr('/etc/passwd')).find(match) ?? parsePasswd(getent('passwd', key)).find(match);
  },
  findGroup: (key) => {
    const match = (entry: GroupEntry) => matches(entry, entry.gid, key);
    return parseGroup(readOr('/etc/group')).find(match) ?? parseGroup(getent('group', key)).find(match);
  },
};
