// PM2's value forms: instance counts as PM2 resolves them, durations, sizes and command lines.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  joinArgs,
  quoteArg,
  resolveInstances,
  toDuration,
  toSize,
} from '../../../../src/config/pm2-import/pm2-values.js';

test("instances: 'max' and 0 are one per CPU, -N that many fewer and at least 1", () => {
  assert.equal(resolveInstances('max', 8), 8);
  assert.equal(resolveInstances(0, 8), 8);
  assert.equal(resolveInstances(-1, 8), 7);
  assert.equal(resolveInstances(-1, 1), 1);
  assert.equal(resolveInstances('3', 8), 3);
  assert.equal(resolveInstances(4, 8), 4);
  assert.equal(resolveInstances('many', 8), undefined);
  assert.equal(resolveInstances(1.5, 8), undefined);
});

test('durations: ms numbers and PM2 strings, as pm writes them', () => {
  assert.equal(toDuration(3000), '3s');
  assert.equal(toDuration(1600), '1600ms');
  assert.equal(toDuration('10s'), '10s');
  assert.equal(toDuration('1h'), '3600s');
  assert.equal(toDuration('soon'), undefined);
});

test('sizes: bytes, K, M, G in the largest whole unit', () => {
  assert.equal(toSize('300M'), '300M');
  assert.equal(toSize('1G'), '1G');
  assert.equal(toSize(104857600), '100M');
  assert.equal(toSize('1536K'), '1536K');
  assert.equal(toSize('lots'), undefined);
});

test('arguments are quoted for /bin/sh only when they need it', () => {
  assert.equal(quoteArg('--port=3000'), '--port=3000');
  assert.equal(quoteArg('jobs high'), "'jobs high'");
  assert.equal(quoteArg("it's"), `'it'\\''s'`);
  assert.equal(joinArgs(['--queue', 'jobs high']), "--queue 'jobs high'");
  assert.equal(joinArgs(' --verbose '), '--verbose');
  assert.equal(joinArgs(undefined), '');
});
