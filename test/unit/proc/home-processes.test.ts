// A variable of a /proc environ is found in its bytes, first entry or not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { variableIn } from '../../../src/proc/home-processes.js';

const environ = (...entries: string[]) => Buffer.from(entries.map((e) => `${e}\0`).join(''));

test('the value of a variable of an environment, wherever it is', () => {
  const env = environ('PM_RUN=r1', 'PATH=/bin', 'XPM_ID=9', 'PM_ID=7', 'EMPTY=');
  assert.equal(variableIn(env, 'PM_RUN'), 'r1');
  assert.equal(variableIn(env, 'PM_ID'), '7');
  assert.equal(variableIn(env, 'EMPTY'), '');
  assert.equal(variableIn(env, 'PATH'), '/bin');
});

test('no value for a variable that is absent or only part of another name', () => {
  assert.equal(variableIn(environ('XPM_RUN=r', 'PM_RUNNER=x'), 'PM_RUN'), undefined);
  assert.equal(variableIn(Buffer.alloc(0), 'PM_RUN'), undefined);
});

test('the last entry may lack its terminating NUL, and values are UTF-8', () => {
  assert.equal(variableIn(Buffer.from('A=1\0PM_RUN=é'), 'PM_RUN'), 'é');
});
