// depends_on checked across the apps of a file: each refusal, and a good graph that passes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkDependencies, type DependencyNode } from '../../../../src/config/file/check-dependencies.js';
import type { Dependency } from '../../../../src/protocol/app-spec.js';

const on = (app: string, condition: Dependency['condition'] = 'started', at = `x.${app}`) => ({
  app,
  condition,
  restart: false,
  at,
});
const node = (name: string, dependsOn: DependencyNode['dependsOn'], extra: Partial<DependencyNode> = {}) => ({
  name,
  at: `apps.${name}`,
  task: false,
  probed: false,
  dependsOn,
  ...extra,
});

function issues(nodes: DependencyNode[]): string[] {
  const found: string[] = [];
  checkDependencies(nodes, (at, message) => found.push(`${at}: ${message}`));
  return found;
}

test('a good graph passes', () => {
  assert.deepEqual(
    issues([
      node('db', [], { probed: true }),
      node('migrate', [on('db', 'healthy')], { task: true }),
      node('web', [on('migrate', 'completed_successfully'), on('db')]),
    ]),
    [],
  );
});

test('each refusal says what and where', () => {
  assert.deepEqual(
    issues([
      node('db', []),
      node('web', [on('web'), on('dbb'), on('db', 'healthy', 'web.db'), on('db', 'completed', 'web.db2')]),
    ]),
    [
      'x.web: found "web", the app itself: an app cannot depend on itself',
      'x.dbb: found "dbb", expected an app of this file: did you mean "db"?',
      'web.db: healthy: db has no health probe, so it is never healthy: add one (health:) or wait for started',
      'web.db2: completed: db is not a task (type: task), so it never completes: wait for started or healthy',
    ],
  );
  assert.deepEqual(issues([node('a', [on('zzz')])]), [
    'x.zzz: found "zzz", expected an app of this file (a)',
  ]);
});

test('a cycle is named whole, once', () => {
  assert.deepEqual(
    issues([node('a', [on('b')]), node('b', [on('c')]), node('c', [on('a')]), node('d', [on('a')])]),
    ['apps.a.depends_on: found a dependency cycle: a → b → c → a; no app of it could start'],
  );
});
