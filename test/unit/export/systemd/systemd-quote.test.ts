import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quoteAssignment, quoteCommand, quoteExecArg } from '../../../../src/export/systemd/systemd-quote.js';

const ARGS: [arg: string, word: string][] = [
  ['--port=3000', '--port=3000'],
  ['hello world', '"hello world"'],
  ['say "hi"', '"say \\"hi\\""'],
  ['100%', '100%%'],
  ['$HOME', '$$HOME'],
  ['$A and %i', '"$$A and %%i"'],
  ["it's", '"it\'s"'],
  ['back\\slash', '"back\\\\slash"'],
  ['two\nlines\t', '"two\\nlines\\t"'],
  ['', '""'],
  [';', '\\;'],
];

for (const [arg, word] of ARGS) {
  test(`ExecStart= argument ${JSON.stringify(arg)} is ${word}`, () => {
    assert.equal(quoteExecArg(arg), word);
  });
}

test('a command line is its words, each escaped', () => {
  assert.equal(
    quoteCommand('/opt/my app/run', ['-c', 'echo $1 50%']),
    '"/opt/my app/run" -c "echo $$1 50%%"',
  );
});

test('Environment= keeps $ literal (systemd does not expand it there) and doubles %', () => {
  assert.equal(quoteAssignment('URL', 'postgres://db/app'), 'URL=postgres://db/app');
  assert.equal(quoteAssignment('PRICE', '$5 for 100%'), '"PRICE=$5 for 100%%"');
  assert.equal(quoteAssignment('MSG', 'say "hi"'), '"MSG=say \\"hi\\""');
});
