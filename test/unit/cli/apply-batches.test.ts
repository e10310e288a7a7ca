import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BATCH_BYTES, batchApps } from '../../../src/cli/apply-batches.js';
import type { AppSpec } from '../../../src/protocol/app-spec.js';
import { PmError } from '../../../src/protocol/errors.js';
import { encodeFrame } from '../../../src/protocol/framing.js';
import { testSpec } from '../supervisor/fake-world.js';

const app = (name: string, padding = 1000, cwd = '/srv'): AppSpec =>
  testSpec({ name, cwd, baseEnv: { PADDING: 'x'.repeat(padding) } });

const frameBytes = (apps: AppSpec[], settings?: object) =>
  Buffer.byteLength(
    encodeFrame({ type: 'apply', apps, ...(settings && { settings }), id: Number.MAX_SAFE_INTEGER }),
  );

test('apps go into as few apply frames as fit under the limit, in their order', () => {
  const apps = Array.from({ length: 30 }, (_, i) => app(`app-${i}`));
  const limit = 8 * 1024;
  const batches = batchApps(apps, undefined, limit);
  assert.ok(batches.length > 1);
  assert.deepEqual(batches.flat(), apps);
  for (const batch of batches) assert.ok(frameBytes(batch) <= limit, `a frame of ${frameBytes(batch)} bytes`);
  // Each batch but the last could not have taken the next app.
  for (const [i, batch] of batches.slice(0, -1).entries()) {
    assert.ok(frameBytes([...batch, batches[i + 1]![0]!]) > limit);
  }
});

test('the settings count in the first frame, and alone make one batch without apps', () => {
  const settings = { metricsIntervalMs: 5000, prometheusPort: 9209 };
  const apps = Array.from({ length: 10 }, (_, i) => app(`app-${i}`));
  const limit = frameBytes(apps.slice(0, 3), settings);
  assert.deepEqual(batchApps(apps, settings, limit)[0], apps.slice(0, 3));
  assert.deepEqual(batchApps([], settings), [[]]);
});

test('two definitions of one name become the last one, where the first stood', () => {
  const [a, b, a2] = [app('a'), app('b'), app('a', 10, '/other')];
  assert.deepEqual(batchApps([a!, b!, a2!], undefined), [[a2, b]]);
});

test('an app too large for any frame is refused, naming it and its environment', () => {
  assert.throws(
    () => batchApps([app('small'), app('huge', 1_100_000)], undefined),
    (error) =>
      error instanceof PmError &&
      error.code === 'bad-request' &&
      /^app "huge": its definition is 1\.0 MB, over the 1 MiB .* 1\.0 MB of it is its environment/.test(
        error.message,
      ),
  );
});

test('batches hold about BATCH_BYTES each, so that the daemon decodes a small frame per turn; a larger app goes alone', () => {
  const apps = [
    ...Array.from({ length: 200 }, (_, i) => app(`app-${i}`, 4500)),
    app('big', 400_000),
    app('last'),
  ];
  const batches = batchApps(apps, undefined);
  assert.deepEqual(batches.flat(), apps);
  for (const batch of batches) {
    if (batch.length > 1)
      assert.ok(frameBytes(batch) <= BATCH_BYTES, `a frame of ${frameBytes(batch)} bytes`);
  }
  assert.ok(batches.some((batch) => batch.length === 1 && batch[0]!.name === 'big'));
});
