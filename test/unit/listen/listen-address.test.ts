// listen: entries as tables: what is read, what is refused and why, and the forms written back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatListen, listenName, parseListenEntry } from '../../../src/listen/listen-address.js';
import type { ListenAddress } from '../../../src/protocol/app-spec.js';

const EXPECTED = 'expected a port (3000) or host:port ("127.0.0.1:8080", "[::1]:8080")';

const GOOD: [unknown, ListenAddress][] = [
  [3000, { host: null, port: 3000 }],
  [1, { host: null, port: 1 }],
  [65535, { host: null, port: 65535 }],
  ['3000', { host: null, port: 3000 }],
  ['127.0.0.1:8080', { host: '127.0.0.1', port: 8080 }],
  ['0.0.0.0:80', { host: '0.0.0.0', port: 80 }],
  ['localhost:8080', { host: 'localhost', port: 8080 }],
  ['api.example.com:443', { host: 'api.example.com', port: 443 }],
  ['[::1]:8080', { host: '::1', port: 8080 }],
  ['[::]:8080', { host: '::', port: 8080 }],
  ['[fe80::1%lo]:8080', { host: 'fe80::1%lo', port: 8080 }],
];

for (const [entry, address] of GOOD) {
  test(`listen entry ${JSON.stringify(entry)} is read as ${JSON.stringify(address)}`, () => {
    assert.deepEqual(parseListenEntry(entry), { ok: true, address });
  });
}

const BAD: [unknown, string][] = [
  ['abc', `listen entry "abc": ${EXPECTED}`],
  ['', `listen entry "": ${EXPECTED}`],
  [' 3000', `listen entry " 3000": ${EXPECTED}`],
  ['127.0.0.1', `listen entry "127.0.0.1": ${EXPECTED}`],
  ['127.0.0.1:', `listen entry "127.0.0.1:": ${EXPECTED}`],
  ['127.0.0.1:http', `listen entry "127.0.0.1:http": ${EXPECTED}`],
  ['127.0.0.1:-1', `listen entry "127.0.0.1:-1": ${EXPECTED}`],
  [':8080', `listen entry ":8080": "" is not a host name or an IP address; ${EXPECTED}`],
  ['a b:8080', `listen entry "a b:8080": "a b" is not a host name or an IP address; ${EXPECTED}`],
  [
    '-bad-.com:80',
    `listen entry "-bad-.com:80": "-bad-.com" is not a host name or an IP address; ${EXPECTED}`,
  ],
  ['::1:8080', 'listen entry "::1:8080": write an IPv6 address in brackets ("[::1]:8080")'],
  ['[nope]:8080', 'listen entry "[nope]:8080": "nope" is not an IPv6 address'],
  ['[::1]', `listen entry "[::1]": ${EXPECTED}`],
  [0, 'listen entry 0: the port must be a whole number from 1 to 65535'],
  ['0', 'listen entry "0": the port must be a whole number from 1 to 65535'],
  [65536, 'listen entry 65536: the port must be a whole number from 1 to 65535'],
  ['127.0.0.1:70000', 'listen entry "127.0.0.1:70000": the port must be a whole number from 1 to 65535'],
  [30.5, 'listen entry 30.5: the port must be a whole number from 1 to 65535'],
  [-80, 'listen entry -80: the port must be a whole number from 1 to 65535'],
  [Number.NaN, 'listen entry NaN: the port must be a whole number from 1 to 65535'],
  [true, `listen entry true: ${EXPECTED}`],
  [null, `listen entry null: ${EXPECTED}`],
  [{ port: 3000 }, `listen entry {"port":3000}: ${EXPECTED}`],
];

for (const [entry, message] of BAD) {
  test(`listen entry ${String(JSON.stringify(entry))} is refused with one line saying why`, () => {
    assert.deepEqual(parseListenEntry(entry), { ok: false, message });
  });
}

const FORMS: [ListenAddress, string, string][] = [
  [{ host: null, port: 3000 }, '3000', '3000'],
  [{ host: '127.0.0.1', port: 8080 }, '127.0.0.1:8080', '8080'],
  [{ host: 'localhost', port: 8080 }, 'localhost:8080', '8080'],
  [{ host: '::1', port: 8080 }, '[::1]:8080', '8080'],
];

for (const [address, written, name] of FORMS) {
  test(`${JSON.stringify(address)} is written "${written}", reads back the same and is named "${name}"`, () => {
    assert.equal(formatListen(address), written);
    assert.deepEqual(parseListenEntry(written), { ok: true, address });
    assert.equal(listenName(address), name);
  });
}
