// A binary file given as a config, or a name typed with an escape sequence in it: what pm prints
// about it never carries raw control bytes to the terminal (ESC can clear the screen, retitle the
// window, or make some terminals answer back as if typed). They are shown as \x1b, \x00, \uFFFD.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { pm, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';

const t = setupTempHome();

// What the CLI printed, decoded as UTF-8: a raw invalid byte would show up as U+FFFD.
const UNPRINTABLE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\uFFFD]/u;

function assertPrintable(text: string, what: string): void {
  const found = UNPRINTABLE.exec(text);
  assert.equal(found, null, `${what} printed ${JSON.stringify(found?.[0])}: ${JSON.stringify(text)}`);
}

function writeConfigs(dir: string): Record<string, string> {
  const files: Record<string, Buffer> = {
    'escapes.yaml': Buffer.from(
      'apps:\n  - name: "web\\x1b[2J"\n    script: "x\\x1b]0;owned\\x07"\n    \x1b[31mcolour: 1\n',
    ),
    'nul.yaml': Buffer.from('apps:\n  - name: a\x00b\n    command: sleep 1\n'),
    'bytes.yaml': Buffer.concat([
      Buffer.from('apps:\n  - name: x\n    command: sleep 1\n    k\xff\xfe'),
      Buffer.from([0xff, 0xfe, 0x9b]),
      Buffer.from(': 1\n'),
    ]),
    'broken.json': Buffer.from('{"apps": [\x1b[2J{"name": "\x9b6n"}'),
    'ls.yaml': fs.readFileSync('/bin/ls').subarray(0, 4096),
    'random.yaml': Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)),
  };
  files['name\x1b[2J.yaml'] = Buffer.from('apps: 3\n');
  const paths: Record<string, string> = {};
  for (const [name, bytes] of Object.entries(files)) {
    paths[name] = path.join(dir, name);
    fs.writeFileSync(paths[name]!, bytes);
  }
  return paths;
}

test('pm validate and pm start of a binary or escape-laden config exit 1 and print every byte escaped', async () => {
  const dir = fs.mkdtempSync(path.join(t.home, '..', 'configs-'));
  try {
    const files = writeConfigs(dir);
    const runs = Object.entries(files).flatMap(([name, file]) =>
      ['validate', 'start'].map(async (verb) => ({
        what: `pm ${verb} ${name}`,
        result: await runCli([verb, file], t.env),
      })),
    );
    const seen: string[] = [];
    for (const { what, result } of await Promise.all(runs)) {
      assert.equal(result.code, 1, `${what} exited ${result.code}: ${result.stderr}`);
      assertPrintable(result.stderr, what);
      assertPrintable(result.stdout, what);
      seen.push(result.stderr);
    }
    const all = seen.join('\n');
    // The escapes name what was there: a key, a value, a file name, a NUL, an invalid byte.
    assert.match(all, /\\x1b\[31mcolour/);
    assert.match(all, /"web\\x1b\[2J"/);
    assert.match(all, /"a\\x00b"/);
    assert.match(all, /\\uFFFD/);
    assert.match(all, /name\\x1b\[2J\.yaml/);
    assert.match(all, /"\\x7fELF/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('names, targets, commands and options typed with control bytes are quoted escaped', async () => {
  const cases = [
    ['stop', 'web\x1b[2J'],
    ['describe', 'a\x07b:1'],
    ['start', 'sleep 100', '--name', 'x\x1b]0;t\x07'],
    ['frob\x1bnicate'],
    ['list', '--\x1b[2J'],
  ];
  const results = await Promise.all(cases.map((args) => runCli(args, t.env)));
  for (const [i, args] of cases.entries()) {
    const result = results[i]!;
    assert.equal(result.code, 1, `pm ${JSON.stringify(args)} exited ${result.code}: ${result.stderr}`);
    assertPrintable(result.stderr, `pm ${JSON.stringify(args)}`);
    assert.match(result.stderr, /\\x1b|\\x07/, result.stderr);
  }
});

test('pm describe shows an environment value with escape sequences escaped', async () => {
  await pm(['start', 'sleep 100000', '--name', 'web', '--env', 'GREETING=\x1b[2J\x1b]0;owned\x07hi'], t.env);
  const described = await pm(['describe', 'web'], t.env);
  assertPrintable(described.stdout, 'pm describe');
  assert.match(described.stdout, /GREETING=\\x1b\[2J\\x1b\]0;owned\\x07hi/);
});
