// watch: and watch_ignore: globs, matched without a regular expression.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { globRoot, matchesOrIsInside, matchGlob } from '../../src/watch/glob.js';

test('globs of watch: and watch_ignore: match as .gitignore-style patterns, without a regex', () => {
  const rows: Array<[string, string, boolean]> = [
    ['*.js', 'server.js', true],
    ['*.js', 'src/lib/a.js', true],
    ['*.js', 'src/lib/a.ts', false],
    ['src/*.js', 'src/a.js', true],
    ['src/*.js', 'src/lib/a.js', false],
    ['src/**/*.js', 'src/lib/deep/a.js', true],
    ['src/**/*.js', 'src/a.js', true],
    ['node_modules', 'node_modules', true],
    ['a*b*c', 'axxbyyc', true],
    ['a*b*c', 'acb', false],
    ['*.min.*', 'x.min.js', true],
    ['**', 'anything/at/all', true],
  ];
  for (const [pattern, path, expected] of rows)
    assert.equal(matchGlob(pattern, path), expected, `${pattern} ~ ${path}`);
  assert.ok(matchesOrIsInside('node_modules', 'node_modules/x/index.js'));
  assert.ok(matchesOrIsInside('.git', 'sub/.git/HEAD'));
  assert.ok(!matchesOrIsInside('logs', 'src/catalogs/a.js'));
  assert.equal(globRoot('src/**/*.js'), 'src');
  assert.equal(globRoot('*.js'), '.');
  assert.equal(globRoot('config/app.json'), 'config/app.json');
});

test('a long name against a pattern of many stars is one pass over it (a backtracking match would not end)', () => {
  assert.equal(matchGlob('*a*a*a*a*a*a*a*a*c', `${'a'.repeat(50_000)}b`), false);
});
