// The rendered config: a header, the left-out options as comments, a comment above the keys that
// need one, and YAML that reads back as the translated apps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { newDraft, put } from '../../../../src/config/pm2-import/app-draft.js';
import { renderConfig } from '../../../../src/config/pm2-import/render-yaml.js';

function render(computed = false): string {
  const app = newDraft();
  put(app, 'name', 'web');
  put(app, 'script', 'server.js');
  put(app, 'instances', 8, 'PM2: instances: "max"\nsecond line');
  put(app, 'recovery.backoff', '15s', 'a nested note');
  return renderConfig({
    apps: [app],
    warnings: ['web: pmx: no equivalent in pm, left out: use pm metrics'],
    source: 'ecosystem.config.js',
    output: 'pm.yaml',
    now: new Date('2025-01-02T03:04:05.000Z'),
    computed,
  });
}

test('the header says where from, when, and how to check it, then what was left out', () => {
  const text = render();
  const lines = text.split('\n');
  assert.equal(
    lines[0],
    '# Imported from the PM2 file ecosystem.config.js by `pm import pm2` on 2025-01-02T03:04:05.000Z.',
  );
  assert.match(lines[1]!, /^# Check it with `pm validate pm\.yaml`/);
  assert.ok(lines.includes('#   web: pmx: no equivalent in pm, left out: use pm metrics'));
  assert.doesNotMatch(text, /computed/);
  assert.match(render(true), /# Values the JS file computed/);
});

test('notes are comments above their key, also in a section', () => {
  const text = render();
  assert.match(text, / {4}# PM2: instances: "max"\n {4}# second line\n {4}instances: 8\n/);
  assert.match(text, /recovery:\n {6}# a nested note\n {6}backoff: 15s\n/);
});

test('the YAML reads back as the translated apps', () => {
  assert.deepEqual(parse(render()), {
    apps: [{ name: 'web', script: 'server.js', instances: 8, recovery: { backoff: '15s' } }],
  });
});
