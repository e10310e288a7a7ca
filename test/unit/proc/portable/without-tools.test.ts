// A host where ps and lsof cannot run (an empty PATH here): the plain reads throw for their callers
// to catch, descriptors are unknown, and the monitor's background refresh fails quietly and
// recovers once ps runs again. Its own file: lsof found missing stays missing for the process.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createPortableBackend } from '../../../../src/proc/portable/portable-backend.js';
import { waitFor } from '../../../helpers/wait-for.js';

const backend = createPortableBackend();
const path = process.env.PATH;

before(() => {
  process.env.PATH = '/nonexistent';
});

after(() => {
  process.env.PATH = path;
});

test('the table reads throw, and so does the search of a home', async () => {
  assert.throws(() => backend.readTable());
  assert.throws(() => backend.readEntries([process.pid]));
  assert.equal(backend.readEntries([]).size, 0, 'no pids: no ps to run');
  await assert.rejects(backend.findHomeProcesses('/home/ann/.pm'));
});

test('open descriptors are unknown, and targets empty', () => {
  assert.equal(backend.countOpenFds([process.pid]), null);
  assert.deepEqual(backend.fdTargets([process.pid]), new Map());
});

test('the snapshot source starts empty, refreshes without an unhandled rejection, and recovers', async () => {
  const source = backend.snapshotSource();
  assert.deepEqual(source.listPids(false), { pids: [], changed: true });
  source.endTick(); // ps is spawned here, and fails
  process.env.PATH = path;
  await waitFor(
    () => {
      source.endTick();
      return source.listPids(false).pids.includes(process.pid);
    },
    { message: 'a table once ps runs again' },
  );
});
