// Loading an ecosystem file as PM2 does: every shape it accepts, and a one-line error for the rest.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { loadEcosystem } from '../../../../src/config/pm2-import/load-ecosystem.js';
import { PmError } from '../../../../src/protocol/errors.js';
import { FIXTURES } from '../../../helpers/run-cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-pm2-load-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** The message of the one-line error loading `file` throws. */
function loadError(file: string): string {
  try {
    loadEcosystem(file);
  } catch (error) {
    assert.ok(error instanceof PmError && error.isUserError, String(error));
    assert.doesNotMatch(error.message, /\n/, 'one line');
    return error.message;
  }
  assert.fail(`${file} loaded`);
}

test('a .js file is required, so that the values it computes are computed', () => {
  const { apps } = loadEcosystem(path.join(FIXTURES, 'pm2/computed.config.cjs'));
  assert.deepEqual(
    apps.map((app) => [app.name, (app.env as Record<string, unknown>).PORT]),
    [
      ['api-server', 4000],
      ['admin-server', 4100],
    ],
  );
  assert.equal(apps[0]!.instances, Math.max(2, os.cpus().length));
});

test('apps may be a list, one object, or the whole export; deploy is kept aside', () => {
  assert.equal(loadEcosystem(path.join(FIXTURES, 'pm2/simple.config.js')).apps.length, 2);
  const one = loadEcosystem(path.join(FIXTURES, 'pm2/unsupported.config.js'));
  assert.deepEqual(
    one.apps.map((app) => app.name),
    ['legacy'],
  );
  assert.deepEqual(one.otherKeys, ['deploy']);
  const bare = write('bare.config.cjs', 'module.exports = [{ script: "a.js" }, { script: "b.js" }];\n');
  assert.equal(loadEcosystem(bare).apps.length, 2);
});

test('.json and .yaml files are parsed', () => {
  assert.deepEqual(
    loadEcosystem(path.join(FIXTURES, 'pm2/ecosystem.json')).apps.map((app) => app.name),
    ['api', 'tick'],
  );
  assert.equal(loadEcosystem(path.join(FIXTURES, 'pm2/ecosystem.yaml')).apps[0]!.max_memory_restart, '1G');
});

test('a syntax error names the file and the line, in one line', () => {
  const file = write('broken.config.js', 'module.exports = {\n  apps: [ { script: "a.js" }\n};\n');
  assert.match(loadError(file), /broken\.config\.js: cannot load it: .*broken\.config\.js:3\)$/);
  assert.match(loadError(write('bad.json', '{ "apps": [ }')), /bad\.json: cannot load it: /);
});

test('a file without apps, an app without a script, and other file types are refused', () => {
  assert.match(
    loadError(path.join(FIXTURES, 'pm2/no-apps.config.js')),
    /no apps: expected \{ apps: \[\.\.\.\] \}/,
  );
  assert.match(loadError(write('empty.json', '{ "apps": [] }')), /no apps/);
  assert.match(loadError(write('noscript.json', '{ "apps": [{ "name": "x" }] }')), /apps\[0\] has no script/);
  assert.match(loadError(write('notes.txt', 'apps')), /expected a PM2 ecosystem file ending in \.js/);
  assert.match(loadError(path.join(dir, 'missing.config.js')), /missing\.config\.js: no such file/);
});
