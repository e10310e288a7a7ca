import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isConfigPath } from '../../../../src/config/file/config-path.js';

test('a single word ending in .yaml, .yml or .json is a config file', () => {
  for (const text of ['pm.yaml', './apps/pm.yml', '/etc/pm/apps.json', 'PM.YAML'])
    assert.equal(isConfigPath(text), true, text);
});

test('a command line whose last argument ends in .json is a command, not a config file', () => {
  for (const text of [
    'node logger.js tok 200000 /tmp/run.stat.json',
    'cat pm.yaml',
    'server.js',
    'pm.yaml.bak',
  ]) {
    assert.equal(isConfigPath(text), false, text);
  }
});
