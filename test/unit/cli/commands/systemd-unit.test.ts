import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  renderSystemdUnit,
  type UnitOptions,
  unitLocation,
} from '../../../../src/cli/commands/systemd-unit.js';
import { parseUnit } from './parse-unit.js';

const options: UnitOptions = {
  scope: 'user',
  home: '/home/ann/.pm',
  nodePath: '/usr/bin/node',
  pmBin: '/opt/pm/bin/pm',
  user: 'ann',
  pathEnv: '/usr/local/bin:/usr/bin:/bin',
};

test('a user unit resurrects at boot and kills at shutdown, with PM_HOME and PATH set', () => {
  const unit = parseUnit(renderSystemdUnit(options));
  assert.deepEqual(Object.keys(unit), ['Unit', 'Service', 'Install']);
  assert.deepEqual(unit.Service?.Type, ['oneshot']);
  assert.deepEqual(unit.Service?.RemainAfterExit, ['yes']);
  assert.deepEqual(unit.Service?.ExecStart, ['/usr/bin/node /opt/pm/bin/pm resurrect']);
  assert.deepEqual(unit.Service?.ExecStop, ['/usr/bin/node /opt/pm/bin/pm kill']);
  assert.deepEqual(unit.Service?.Environment, ['PM_HOME=/home/ann/.pm', 'PATH=/usr/local/bin:/usr/bin:/bin']);
  assert.equal(unit.Service?.User, undefined, 'a user unit runs as its owner');
  assert.deepEqual(unit.Install?.WantedBy, ['default.target']);
});

test('a system unit names the user and starts with multi-user.target', () => {
  const unit = parseUnit(renderSystemdUnit({ ...options, scope: 'system' }));
  assert.deepEqual(unit.Service?.User, ['ann']);
  assert.deepEqual(unit.Install?.WantedBy, ['multi-user.target']);
});

test('paths with spaces, quotes, % and $ are quoted and escaped for systemd', () => {
  const unit = parseUnit(
    renderSystemdUnit({ ...options, home: '/home/a b/%h"$x', pmBin: '/opt/my pm/bin/pm' }),
  );
  assert.deepEqual(unit.Service?.ExecStart, ['/usr/bin/node "/opt/my pm/bin/pm" resurrect']);
  // systemd expands no $ in Environment=: it stays one.
  assert.equal(unit.Service?.Environment?.[0], '"PM_HOME=/home/a b/%%h\\"$x"');
});

test('user units go under XDG_CONFIG_HOME, system units under /etc, each with the link that enables it', () => {
  assert.deepEqual(unitLocation('user', 'ann', { XDG_CONFIG_HOME: '/x' }), {
    name: 'pm.service',
    file: '/x/systemd/user/pm.service',
    wantsLink: '/x/systemd/user/default.target.wants/pm.service',
  });
  assert.deepEqual(unitLocation('system', 'ann', {}), {
    name: 'pm-ann.service',
    file: '/etc/systemd/system/pm-ann.service',
    wantsLink: '/etc/systemd/system/multi-user.target.wants/pm-ann.service',
  });
});
