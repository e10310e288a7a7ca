import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { INIT_TEMPLATE } from '../../../../src/cli/commands/init-template.js';
import { load, removeConfigs, writeConfig } from '../../config/file/temp-config.js';

afterEach(removeConfigs);

test('the config written by pm init loads once its script exists, and explains itself in comments', () => {
  const [web] = load(writeConfig(INIT_TEMPLATE)).apps;
  assert.equal(web?.name, 'web');
  assert.equal(web?.health[0]?.check.type, 'http');
  assert.ok(INIT_TEMPLATE.split('\n').filter((line) => line.includes('#')).length >= 15);
});

test('its env_production profile is there to select', () => {
  const [web] = load(writeConfig(INIT_TEMPLATE), { profile: 'production' }).apps;
  assert.equal(web?.env.NODE_ENV, 'production');
});

test('it sets no key that pm would warn about', () => {
  assert.deepEqual(load(writeConfig(INIT_TEMPLATE)).warnings, []);
});
