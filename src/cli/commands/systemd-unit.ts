// The systemd unit of `pm startup`: at boot it runs `pm resurrect` (which starts the daemon and
// brings back the saved apps), at shutdown `pm kill` (which stops them gracefully).
import os from 'node:os';
import path from 'node:path';

export type UnitScope = 'user' | 'system';

export interface UnitOptions {
  scope: UnitScope;
  /** The PM_HOME whose apps are brought back. */
  home: string;
  /** Absolute paths of node and of pm's bin script. */
  nodePath: string;
  pmBin: string;
  /** The account that runs pm (system units only: user units run as their owner). */
  user: string;
  /** PATH for the apps: commands like `python3` are found as they were when the apps were saved. */
  pathEnv: string;
}

export interface UnitLocation {
  name: string;
  /** The unit file. */
  file: string;
  /** The symlink that enables it (what `systemctl enable` would create for WantedBy=). */
  wantsLink: string;
}

/** One argument or assignment as systemd reads it: quoted, with `%` and `$` escaped. */
/** `%` is a specifier everywhere; `$` is a variable only in Exec lines (Environment= keeps it). */
function quote(value: string, inExec = true): string {
  const percent = value.replaceAll('%', '%%');
  const escaped = inExec ? percent.replaceAll('$', '$$$$') : percent;
  return /^[A-Za-z0-9_@%+=:,./$-]+$/.test(value) ? escaped : `"${escaped.replace(/(["\\])/g, '\\$1')}"`;
}

const target = (scope: UnitScope) => (scope === 'user' ? 'default.target' : 'multi-user.target');

/** Where `pm startup` writes the unit: the user's own units, or the system's. */
export function unitLocation(
  scope: UnitScope,
  user: string,
  env: NodeJS.ProcessEnv = process.env,
): UnitLocation {
  const dir =
    scope === 'user'
      ? path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'systemd', 'user')
      : '/etc/systemd/system';
  const name = scope === 'user' ? 'pm.service' : `pm-${user}.service`;
  return { name, file: path.join(dir, name), wantsLink: path.join(dir, `${target(scope)}.wants`, name) };
}

/** Oneshot + RemainAfterExit: the daemon outlives `pm resurrect` inside the unit, and `pm kill` stops it. */
export function renderSystemdUnit(options: UnitOptions): string {
  const pm = (verb: string) => [options.nodePath, options.pmBin, verb].map((word) => quote(word)).join(' ');
  return [
    '# Written by `pm startup`; remove it with `pm unstartup`.',
    '[Unit]',
    `Description=pm: the apps saved in ${options.home}`,
    'After=network.target',
    '',
    '[Service]',
    // resurrect starts the daemon and returns; the daemon stays in this unit's cgroup until `pm kill`.
    'Type=oneshot',
    'RemainAfterExit=yes',
    ...(options.scope === 'system' ? [`User=${options.user}`] : []),
    `Environment=${quote(`PM_HOME=${options.home}`, false)}`,
    `Environment=${quote(`PATH=${options.pathEnv}`, false)}`,
    `ExecStart=${pm('resurrect')}`,
    `ExecStop=${pm('kill')}`,
    'TimeoutStartSec=300',
    'TimeoutStopSec=300',
    '',
    '[Install]',
    `WantedBy=${target(options.scope)}`,
    '',
  ].join('\n');
}
