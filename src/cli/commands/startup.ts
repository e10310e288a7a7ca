// `pm startup` / `pm unstartup`: install or remove the systemd unit that resurrects the saved apps
// at boot. Enabling is the WantedBy= symlink that `systemctl enable` makes, so it needs no bus.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { resolvePaths } from '../../config/paths.js';
import { packageRoot } from '../../installed-package.js';
import { PmError } from '../../protocol/errors.js';
import { renderSystemdUnit, type UnitScope, unitLocation } from './systemd-unit.js';

interface ScopeOptions {
  user?: boolean;
  system?: boolean;
}

function scopeOf(options: ScopeOptions): UnitScope {
  if (options.user && options.system) throw new PmError('bad-request', 'give --user or --system, not both');
  if (options.user || options.system) return options.user ? 'user' : 'system';
  return process.getuid?.() === 0 ? 'system' : 'user';
}

/** Under sudo, the unit runs as the user who asked for it. */
const accountName = () => process.env.SUDO_USER || os.userInfo().username;

function writeFailure(file: string, scope: UnitScope, error: unknown): PmError {
  const code = (error as NodeJS.ErrnoException).code;
  const hint =
    scope === 'system' && (code === 'EACCES' || code === 'EPERM')
      ? `: run \`sudo env PATH="$PATH" PM_HOME=${resolvePaths().home} pm startup --system\`, or use --user`
      : '';
  return new PmError('bad-request', `cannot write ${file} (${code})${hint}`, { cause: error });
}

function startup(options: ScopeOptions & { print?: boolean; enable: boolean }): void {
  const scope = scopeOf(options);
  const user = accountName();
  const text = renderSystemdUnit({
    scope,
    home: resolvePaths().home,
    nodePath: process.execPath,
    pmBin: path.join(packageRoot(), 'bin', 'pm'),
    user,
    pathEnv: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
  });
  if (options.print) {
    process.stdout.write(text);
    return;
  }
  const { name, file, wantsLink } = unitLocation(scope, user);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text, { mode: 0o644 });
    if (options.enable) {
      fs.mkdirSync(path.dirname(wantsLink), { recursive: true });
      fs.rmSync(wantsLink, { force: true });
      fs.symlinkSync(file, wantsLink);
    }
  } catch (error) {
    throw writeFailure(file, scope, error);
  }
  const systemctl = scope === 'user' ? 'systemctl --user' : 'systemctl';
  const lines = [
    `wrote ${file}${options.enable ? ', enabled at boot' : ' (not enabled)'}`,
    'at boot it runs `pm resurrect`: run `pm save` whenever your apps change',
    `to start it now: ${systemctl} daemon-reload && ${systemctl} start ${name}`,
    ...(scope === 'user'
      ? [`for a user unit to start at boot without a login: loginctl enable-linger ${user}`]
      : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function unstartup(options: ScopeOptions): void {
  const scope = scopeOf(options);
  const { name, file, wantsLink } = unitLocation(scope, accountName());
  const existed = [wantsLink, file].filter((entry) => fs.lstatSync(entry, { throwIfNoEntry: false }));
  if (existed.length === 0) throw new PmError('not-found', `no startup unit at ${file}: nothing to remove`);
  try {
    for (const entry of existed) fs.rmSync(entry);
  } catch (error) {
    throw writeFailure(file, scope, error);
  }
  const systemctl = scope === 'user' ? 'systemctl --user' : 'systemctl';
  process.stdout.write(`removed ${existed.join(' and ')}\nif it is running: ${systemctl} stop ${name}\n`);
}

export function registerStartup(program: Command): void {
  program
    .command('startup')
    .description('install a systemd unit that runs `pm resurrect` at boot and `pm kill` at shutdown')
    .option('--user', 'a user unit in ~/.config/systemd/user (default unless root)')
    .option('--system', 'a system unit in /etc/systemd/system (default for root)')
    .option('--print', 'print the unit instead of installing it')
    .option('--no-enable', 'write the unit without enabling it at boot')
    .action(startup);
  program
    .command('unstartup')
    .description('remove the systemd unit installed by `pm startup`')
    .option('--user', 'the user unit (default unless root)')
    .option('--system', 'the system unit (default for root)')
    .action(unstartup);
}
